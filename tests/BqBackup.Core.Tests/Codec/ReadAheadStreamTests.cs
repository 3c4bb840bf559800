using System;
using System.IO;
using BqBackup.Codec;
using Xunit;
using BqBackup.IO;

namespace BqBackup.Tests.Codec
{
    public sealed class ReadAheadStreamTests
    {
        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(256 * 1024)]
        [InlineData(3 * 256 * 1024 + 17)]
        public void Gives_the_source_bytes_in_order_unchanged(int length)
        {
            var data = new byte[length];
            new Random(length).NextBytes(data);
            using (var ahead = new ReadAheadStream(new MemoryStream(data)))
            {
                var copy = new MemoryStream();
                var buffer = new byte[7919];
                int n;
                while ((n = ahead.Read(buffer, 0, buffer.Length)) > 0) copy.Write(buffer, 0, n);
                Assert.Equal(data, copy.ToArray());
                Assert.Equal(0, ahead.Read(buffer, 0, buffer.Length));
            }
        }

        [Fact]
        public void A_failure_of_the_source_comes_after_the_bytes_read_before_it()
        {
            var source = new FailingStream(600 * 1024);
            using (var ahead = new ReadAheadStream(source))
            {
                var total = 0;
                var buffer = new byte[64 * 1024];
                var e = Assert.Throws<BqBackupException>(() => { int n; while ((n = ahead.Read(buffer, 0, buffer.Length)) > 0) total += n; });
                Assert.Equal(ErrorIds.BackupCorrupt, e.ErrorId);
                Assert.Equal(600 * 1024, total);
            }
        }

        [Fact]
        public void Disposed_before_the_end_it_stops_reading_the_source()
        {
            var source = new CountingSource();
            var ahead = new ReadAheadStream(source, depth: 2);
            ahead.Read(new byte[10], 0, 10);
            ahead.Dispose();
            var reads = source.Reads;
            System.Threading.Thread.Sleep(100);
            Assert.Equal(reads, source.Reads);
        }

        private sealed class FailingStream : MemoryStream
        {
            public FailingStream(int good) : base(new byte[good]) { }

            public override int Read(byte[] buffer, int offset, int count)
            {
                var n = base.Read(buffer, offset, Math.Min(count, 1000));
                if (n == 0) throw new BqBackupException(ErrorIds.BackupCorrupt, BqErrorCategory.InvalidData, "tampered", null, "none");
                return n;
            }
        }

        private sealed class CountingSource : ForwardReadStream
        {
            public int Reads;
            public override int Read(byte[] buffer, int offset, int count) { System.Threading.Interlocked.Increment(ref Reads); return count; }
            public override long Position { get => 0; set { } }
            public override void SetLength(long value) { }
            public override void Write(byte[] buffer, int offset, int count) { }
        }
    }
}
