using System;
using System.IO;

namespace BqBackup.Codec
{
    /// <summary>Passes bytes through in either direction and counts them.</summary>
    internal sealed class CountingStream : Stream
    {
        private readonly Stream inner;
        private readonly bool leaveOpen;

        public CountingStream(Stream inner, bool leaveOpen)
        {
            this.inner = inner;
            this.leaveOpen = leaveOpen;
        }

        public long Count { get; private set; }

        public override bool CanRead => inner.CanRead;
        public override bool CanSeek => false;
        public override bool CanWrite => inner.CanWrite;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Count; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            Count += n;
            return n;
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            inner.Write(buffer, offset, count);
            Count += count;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !leaveOpen) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
