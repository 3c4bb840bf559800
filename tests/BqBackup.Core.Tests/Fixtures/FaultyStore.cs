using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Threading;
using BqBackup.Sample;
using BqBackup.Storage;
using Microsoft.Data.Sqlite;
using BqBackup.IO;

namespace BqBackup.Tests.Fixtures
{
    /// <summary>A store that fails or lies on purpose, wrapping a real one.</summary>
    internal sealed class FaultyStore : IBackupStore
    {
        private readonly IBackupStore inner;
        public FaultyStore(IBackupStore inner) { this.inner = inner; }

        public bool FailCommit { get; set; }
        public bool IgnoreDeletes { get; set; }
        public Action OnWrite { get; set; }

        public string Location => inner.Location;
        public IReadOnlyList<StoreObject> List(CancellationToken c) => inner.List(c);
        public StoreObject Stat(string key, CancellationToken c) => inner.Stat(key, c);
        public Stream OpenRead(string key, CancellationToken c) => inner.OpenRead(key, c);
        public void Put(string key, byte[] content, string type, bool overwrite, CancellationToken c) => inner.Put(key, content, type, overwrite, c);
        public void Delete(string key, CancellationToken c) { if (!IgnoreDeletes) inner.Delete(key, c); }
        public void Dispose() => inner.Dispose();

        public IStoreUpload BeginUpload(string key, string type, CancellationToken c) => new Upload(this, inner.BeginUpload(key, type, c));

        private sealed class Upload : IStoreUpload
        {
            private readonly FaultyStore owner;
            private readonly IStoreUpload inner;
            public Upload(FaultyStore owner, IStoreUpload inner) { this.owner = owner; this.inner = inner; Content = new Hook(inner.Content, owner); }
            public Stream Content { get; }
            public void Commit(CancellationToken c)
            {
                if (owner.FailCommit) throw new BqBackupException(ErrorIds.StoreError, BqErrorCategory.WriteError, "injected commit failure", null, "none");
                inner.Commit(c);
            }
            public void Dispose() => inner.Dispose();
        }

        private sealed class Hook : ForwardWriteStream
        {
            private readonly Stream inner;
            private readonly FaultyStore owner;
            public Hook(Stream inner, FaultyStore owner) { this.inner = inner; this.owner = owner; }
            public override long Length => inner.Length;
            public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
            public override void Flush() => inner.Flush();
            public override int Read(byte[] b, int o, int n) => throw new NotSupportedException();
            public override long Seek(long o, SeekOrigin s) => throw new NotSupportedException();
            public override void SetLength(long v) => throw new NotSupportedException();
            public override void Write(byte[] b, int o, int n) { owner.OnWrite?.Invoke(); inner.Write(b, o, n); }
        }
    }
}
