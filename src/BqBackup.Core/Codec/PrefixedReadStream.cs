using System;
using System.IO;
using BqBackup.IO;

namespace BqBackup.Codec
{
    /// <summary>Replays bytes already read (a format sniff) before the rest of the stream.</summary>
    internal sealed class PrefixedReadStream : ForwardReadStream
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
