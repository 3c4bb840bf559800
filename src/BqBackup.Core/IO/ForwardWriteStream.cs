using System;
using System.IO;

namespace BqBackup.IO
{
    /// <summary>
    /// A stream written once from start to end: every stage of the backup pipeline (compress,
    /// fan out, upload). It cannot seek or be read, and has no length or position unless the
    /// stage knows one and overrides them.
    /// </summary>
    internal abstract class ForwardWriteStream : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
