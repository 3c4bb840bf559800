using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Threading;
using BqBackup.Sample;
using BqBackup.Storage;
using Microsoft.Data.Sqlite;

namespace BqBackup.Tests.Engine
{
    /// <summary>A folder store, a sample database and a private temp root per test.</summary>
    public sealed class Workspace : IDisposable
    {
        private readonly TempDir temp = new TempDir();

        public Workspace(int jobs = 300)
        {
            Database = temp.File("queue.db");
            Expected = SampleDatabase.Create(Database, jobs);
            BackupsPath = temp.Dir("backups");
            Store = new FolderStore(BackupsPath, create: false);
            TempRoot = temp.Dir("tmp");
            Warnings = new List<string>();
            Context = new OperationContext { Warning = Warnings.Add };
        }

        public string Database { get; }
        public JobCounts Expected { get; }
        public string BackupsPath { get; }
        public FolderStore Store { get; }
        public string TempRoot { get; }
        public List<string> Warnings { get; }
        public OperationContext Context { get; }
        public string File(string name) => temp.File(name);
        public string Dir(string name) => temp.Dir(name);

        public BackupOptions Options(Func<DateTime> now = null) =>
            new BackupOptions { TempRoot = TempRoot, UtcNow = now ?? (() => DateTime.UtcNow) };

        public BackupInfo Backup(Func<DateTime> now = null) =>
            BackupEngine.Run(Database, Store, BackupsPath, Options(now), Context);

        public void Dispose()
        {
            Store.Dispose();
            temp.Dispose();
        }
    }

    internal static class Db
    {
        public static SqliteConnection Open(string path, bool readOnly = false) =>
            OpenWith(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate });

        private static SqliteConnection OpenWith(SqliteConnectionStringBuilder b)
        {
            var c = new SqliteConnection(b.ToString());
            c.Open();
            return c;
        }

        public static long Scalar(string path, string sql)
        {
            using (var c = Open(path, readOnly: true)) return Scalar(c, sql);
        }

        public static long Scalar(SqliteConnection c, string sql)
        {
            using (var cmd = c.CreateCommand())
            {
                cmd.CommandText = sql;
                return Convert.ToInt64(cmd.ExecuteScalar());
            }
        }

        public static void Exec(SqliteConnection c, string sql)
        {
            using (var cmd = c.CreateCommand())
            {
                cmd.CommandText = sql;
                cmd.ExecuteNonQuery();
            }
        }

        public static string Sha256(string path)
        {
            using (var f = System.IO.File.OpenRead(path)) return Convert.ToHexString(SHA256.HashData(f)).ToLowerInvariant();
        }

        public static byte[] Gunzip(string path)
        {
            using (var f = System.IO.File.OpenRead(path))
            using (var g = new GZipStream(f, CompressionMode.Decompress))
            using (var m = new MemoryStream())
            {
                g.CopyTo(m);
                return m.ToArray();
            }
        }
    }

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

        private sealed class Hook : Stream
        {
            private readonly Stream inner;
            private readonly FaultyStore owner;
            public Hook(Stream inner, FaultyStore owner) { this.inner = inner; this.owner = owner; }
            public override bool CanRead => false;
            public override bool CanSeek => false;
            public override bool CanWrite => true;
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
