using System;
using System.IO;
using BqBackup.IO;

namespace BqBackup.Codec
{
    /// <summary>
    /// A read-only stream that writes every byte read from <c>inner</c> to <c>sink</c> as it goes:
    /// one pass over a body both verifies it (the reader) and copies it (the sink), with no more
    /// memory than the reader's buffer.
    /// </summary>
    internal sealed class TeeReadStream : ForwardReadStream
    {
        private readonly Stream inner, sink;

        public TeeReadStream(Stream inner, Stream sink)
        {
            this.inner = inner;
            this.sink = sink;
        }

        /// <summary>Bytes read (and written to the sink) so far.</summary>
        public long Count { get; private set; }

        public override long Position { get => Count; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            if (n > 0)
            {
                sink.Write(buffer, offset, n);
                Count += n;
            }
            return n;
        }

        /// <summary>Reads (and so copies) whatever the reader left unread: bytes after a gzip stream's end are part of the body too.</summary>
        public void Drain()
        {
            var scratch = new byte[1 << 16];
            while (Read(scratch, 0, scratch.Length) > 0) { }
        }

    }
}
