using System;
using System.IO;

namespace BqBackup.Codec
{
    /// <summary>Replays bytes already read (a format sniff) before the rest of the stream.</summary>
    internal sealed class PrefixedReadStream : Stream
    {
        private readonly byte[] prefix;
        private readonly int prefixLength;
        private readonly Stream rest;
        private int position;

        public PrefixedReadStream(byte[] prefix, int prefixLength, Stream rest)
        {
            this.prefix = prefix;
            this.prefixLength = prefixLength;
            this.rest = rest;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (position < prefixLength)
            {
                var n = Math.Min(count, prefixLength - position);
                Buffer.BlockCopy(prefix, position, buffer, offset, n);
                position += n;
                return n;
            }
            return rest.Read(buffer, offset, count);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) rest.Dispose();
            base.Dispose(disposing);
        }
    }
}
