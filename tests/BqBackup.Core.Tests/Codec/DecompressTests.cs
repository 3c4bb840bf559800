using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using BqBackup.Codec;
using Xunit;
using BqBackup.IO;

namespace BqBackup.Tests.Codec
{
    /// <summary>
    /// GzipCodec.Decompress hashes and writes on a thread beside the inflating (HashingWriter):
    /// the bytes and the hash must be exactly those of a plain pass, and a failure or Ctrl-C on
    /// either side must end the call with that error, never hang it or write after it returned.
    /// </summary>
    public class DecompressTests
    {
        private static byte[] Data(int length)
        {
            var r = new Random(length);
            return Enumerable.Range(0, length).Select(_ => (byte)(r.Next(4) == 0 ? ' ' : 'a' + r.Next(26))).ToArray();
        }

        private static byte[] Gzip(byte[] data)
        {
            using (var m = new MemoryStream())
            {
                using (var gz = new GZipStream(m, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(data, 0, data.Length);
                return m.ToArray();
            }
        }

        private static string Sha256(byte[] data)
        {
            using (var sha = SHA256.Create()) return GzipCodec.Hex(sha.ComputeHash(data));
        }

        // Runs the call on another thread so a deadlock fails the test instead of stalling the run.
        private static T WithinDeadlockGuard<T>(Func<T> call)
        {
            var task = Task.Run(call);
            Assert.True(Task.WaitAny(task, Task.Delay(TimeSpan.FromSeconds(60))) == 0, "Decompress hung");
            return task.GetAwaiter().GetResult();
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData((1 << 20) - 1)]
        [InlineData(1 << 20)]
        [InlineData(11 * (1 << 20) + 12345)] // many more chunks than the writer queues
        public void Writes_and_hashes_exactly_the_original_bytes(int length)
        {
            var data = Data(length);
            var gz = Gzip(data);
            using (var output = new MemoryStream())
            {
                var result = GzipCodec.Decompress(new MemoryStream(gz), gz.Length, output, OperationContext.None, "Test", "x.db.gz");
                Assert.Equal(data.Length, result.RawBytes);
                Assert.Equal(gz.Length, result.EncodedBytes);
                // The framework writes no gzip header at all for nothing, and nothing is copied as is.
                Assert.Equal(gz.Length > 0, result.WasCompressed);
                Assert.Equal(Sha256(data), result.Sha256);
                Assert.True(data.SequenceEqual(output.ToArray()));
            }
        }

        [Fact]
        public void Copies_and_hashes_a_raw_file_as_bunqueue_restore_accepts_it()
        {
            var data = Data(3 * (1 << 20) + 7);
            using (var output = new MemoryStream())
            {
                var result = GzipCodec.Decompress(new MemoryStream(data), data.Length, output, OperationContext.None, "Test", "x.db");
                Assert.False(result.WasCompressed);
                Assert.Equal(Sha256(data), result.Sha256);
                Assert.True(data.SequenceEqual(output.ToArray()));
            }
        }

        [Fact]
        public void A_failing_write_ends_the_call_with_that_error_and_nothing_is_written_after()
        {
            var gz = Gzip(Data(20 * (1 << 20)));
            var output = new FailingStream(failAtWrite: 3);
            var e = Assert.Throws<IOException>(() => WithinDeadlockGuard(() =>
                GzipCodec.Decompress(new MemoryStream(gz), gz.Length, output, OperationContext.None, "Test", "x.db.gz")));
            Assert.Equal("disk full", e.Message);
            var writes = output.Writes;
            Thread.Sleep(200);
            Assert.Equal(writes, output.Writes);
        }

        [Fact]
        public void Ctrl_C_while_the_writer_is_busy_ends_the_call_cancelled_and_nothing_is_written_after()
        {
            var gz = Gzip(Data(20 * (1 << 20)));
            using (var cancel = new CancellationTokenSource())
            {
                var output = new FailingStream(failAtWrite: int.MaxValue) { OnWrite = n => { if (n == 2) cancel.Cancel(); Thread.Sleep(20); } };
                var ctx = new OperationContext { Cancellation = cancel.Token };
                Assert.ThrowsAny<OperationCanceledException>(() => WithinDeadlockGuard(() =>
                    GzipCodec.Decompress(new MemoryStream(gz), gz.Length, output, ctx, "Test", "x.db.gz")));
                var writes = output.Writes;
                Assert.True(writes < 20, $"{writes} chunks were written after Ctrl-C");
                Thread.Sleep(200);
                Assert.Equal(writes, output.Writes);
            }
        }

        [Fact]
        public void A_damaged_gzip_stream_is_BackupCorrupt()
        {
            var gz = Gzip(Data(5 * (1 << 20)));
            for (var i = gz.Length / 2; i < gz.Length / 2 + 64; i++) gz[i] ^= 0x5a;
            var e = Assert.Throws<BqBackupException>(() => WithinDeadlockGuard(() =>
                GzipCodec.Decompress(new MemoryStream(gz), gz.Length, Stream.Null, OperationContext.None, "Test", "x.db.gz")));
            Assert.Equal(ErrorIds.BackupCorrupt, e.ErrorId);
        }

        [Fact]
        public void A_body_that_inflates_past_the_bound_is_stopped_before_the_byte_over_it()
        {
            // 40 MiB of zeros in about 40 KB: what a crafted body does to a disk without a bound.
            var gz = Gzip(new byte[40 << 20]);
            using (var output = new MemoryStream())
            {
                var e = Assert.Throws<BqBackupException>(() => WithinDeadlockGuard(() =>
                    GzipCodec.Decompress(new MemoryStream(gz), gz.Length, output, OperationContext.None, "Test", "x.db.gz", maxRawBytes: 3 << 20)));
                Assert.Equal(ErrorIds.SizeMismatch, e.ErrorId);
                Assert.Equal("x.db.gz", e.TargetObject);
                Assert.True(output.Length <= 3 << 20, $"{output.Length} bytes were written past the bound");
            }
        }

        [Fact]
        public void A_body_of_exactly_the_bound_passes()
        {
            var data = Data(3 << 20);
            var gz = Gzip(data);
            var result = GzipCodec.Decompress(new MemoryStream(gz), gz.Length, Stream.Null, OperationContext.None, "Test", "x.db.gz", maxRawBytes: data.Length);
            Assert.Equal(data.Length, result.RawBytes);
        }

        private sealed class FailingStream : ForwardWriteStream
        {
            private readonly int failAtWrite;
            private int writes;
            public FailingStream(int failAtWrite) { this.failAtWrite = failAtWrite; }
            public int Writes => Volatile.Read(ref writes);
            public Action<int> OnWrite { get; set; }
            public override void Write(byte[] buffer, int offset, int count)
            {
                var n = Interlocked.Increment(ref writes);
                OnWrite?.Invoke(n);
                if (n >= failAtWrite) throw new IOException("disk full");
            }
        }
    }
}
