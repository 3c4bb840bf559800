using System;
using System.IO;

namespace BqBackup.IO
{
    /// <summary>
    /// A stream read once from start to end: every stage of the restore pipeline (decrypt,
    /// inflate, ranged S3 reads). It cannot seek or be written, and has no length or position
    /// unless the stage knows one and overrides them.
    /// </summary>
    internal abstract class ForwardReadStream : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
