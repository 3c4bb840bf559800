using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using BqBackup.IO;
using Xunit;

namespace BqBackup.Tests.IO
{
    public class FanOutStreamTests
    {
        private const int ChunkSize = 4096;

        private static byte[] Data(int length, int seed = 7)
        {
            var data = new byte[length];
            new Random(seed).NextBytes(data);
            return data;
        }

        /// <summary>Writes <paramref name="data"/> in uneven pieces, as a compressor does.</summary>
        private static void WriteInPieces(Stream stream, byte[] data)
        {
            var random = new Random(3);
            for (var offset = 0; offset < data.Length;)
            {
                var n = Math.Min(data.Length - offset, random.Next(1, 3 * ChunkSize));
                stream.Write(data, offset, n);
                offset += n;
            }
        }

        [Fact]
        public void Every_target_receives_exactly_the_bytes_written()
        {
            var data = Data(50 * ChunkSize + 123);
            var targets = Enumerable.Range(0, 3).Select(_ => new MemoryStream()).ToArray();
            using (var fan = new FanOutStream(targets, CancellationToken.None, ChunkSize, chunkCount: 4))
            {
                WriteInPieces(fan, data);
                fan.Complete();
                Assert.All(fan.Failures, Assert.Null);
                Assert.InRange(fan.ChunksAllocated, 1, 4);
            }
            Assert.All(targets, t => Assert.Equal(data, t.ToArray()));
        }

        [Fact]
        public void A_target_that_does_not_write_holds_the_writer_back_after_the_chunk_budget_without_growing_memory()
        {
            var data = Data(40 * ChunkSize);
            var fast = new MemoryStream();
            var slow = new GatedStream();
            using (var fan = new FanOutStream(new Stream[] { fast, slow }, CancellationToken.None, ChunkSize, chunkCount: 4))
            {
                var writer = Task.Run(() => WriteInPieces(fan, data));
                // The gated target holds every chunk it was given; once the four are out, the writer must wait.
                Assert.True(SpinWait.SpinUntil(() => fast.Length >= 4 * ChunkSize, TimeSpan.FromSeconds(30)));
                Assert.False(writer.Wait(TimeSpan.FromMilliseconds(300)));
                Assert.InRange(fan.Length, 4 * ChunkSize, 5 * ChunkSize);
                Assert.InRange(fast.Length, 4 * ChunkSize, 4 * ChunkSize);
                Assert.Equal(4, fan.ChunksAllocated);

                slow.Open();
                Assert.True(writer.Wait(TimeSpan.FromSeconds(60)));
                fan.Complete();
                Assert.Equal(4, fan.ChunksAllocated);
            }
            Assert.Equal(data, fast.ToArray());
            Assert.Equal(data, slow.ToArray());
        }

        [Fact]
        public void A_target_that_fails_mid_stream_drops_out_and_the_others_get_everything()
        {
            var data = Data(30 * ChunkSize + 5);
            var good = new MemoryStream();
            var slow = new SlowStream();
            var failing = new FailingStream(failAfterBytes: 5 * ChunkSize);
            using (var fan = new FanOutStream(new Stream[] { good, failing, slow }, CancellationToken.None, ChunkSize, chunkCount: 3))
            {
                WriteInPieces(fan, data);
                fan.Complete();
                Assert.Null(fan.Failures[0]);
                Assert.IsType<IOException>(fan.Failures[1]);
                Assert.Null(fan.Failures[2]);
                Assert.Equal(5 * ChunkSize, fan.BytesWritten[1]);
                Assert.True(fan.ChunksAllocated <= 3);
            }
            Assert.Equal(data, good.ToArray());
            Assert.Equal(data, slow.ToArray());
            Assert.Equal(5 * ChunkSize, failing.Written);
        }

        [Fact]
        public void When_every_target_has_failed_a_write_throws_instead_of_waiting()
        {
            var data = Data(100 * ChunkSize);
            var a = new FailingStream(failAfterBytes: 2 * ChunkSize);
            var b = new FailingStream(failAfterBytes: 0);
            using (var fan = new FanOutStream(new Stream[] { a, b }, CancellationToken.None, ChunkSize, chunkCount: 2))
            {
                var e = Assert.Throws<AllTargetsFailedException>(() => WriteInPieces(fan, data));
                Assert.Equal(2, e.Failures.Count);
                Assert.All(e.Failures, f => Assert.IsType<IOException>(f));
            }
        }

        [Fact]
        public void Disposed_without_completing_the_targets_stop_and_their_threads_end()
        {
            var gated = new GatedStream();
            var fan = new FanOutStream(new Stream[] { gated, new MemoryStream() }, CancellationToken.None, ChunkSize, chunkCount: 2);
            // Two chunks fit the budget: the write returns while the gated target still holds the first.
            fan.Write(Data(2 * ChunkSize), 0, 2 * ChunkSize);
            var disposing = Task.Run(() => fan.Dispose());
            // The gate opens only once Dispose has abandoned the targets, however late the task starts.
            Assert.True(SpinWait.SpinUntil(() => fan.Stopping, TimeSpan.FromSeconds(30)));
            gated.Open();
            Assert.True(disposing.Wait(TimeSpan.FromSeconds(30)));
            // Abandoned: what was still queued when the fan-out was disposed is never written.
            Assert.True(gated.Length < 2 * ChunkSize);
        }

        [Fact]
        public void Cancellation_ends_a_writer_waiting_on_a_stalled_target()
        {
            using (var cancel = new CancellationTokenSource())
            {
                var gated = new GatedStream();
                using (var fan = new FanOutStream(new Stream[] { gated, new MemoryStream() }, cancel.Token, ChunkSize, chunkCount: 2))
                {
                    var writer = Task.Run(() => WriteInPieces(fan, Data(20 * ChunkSize)));
                    Assert.False(writer.Wait(TimeSpan.FromMilliseconds(200)));
                    cancel.Cancel();
                    var e = Assert.ThrowsAny<Exception>(() => writer.GetAwaiter().GetResult());
                    Assert.IsAssignableFrom<OperationCanceledException>(e);
                    gated.Open();
                }
            }
        }

        /// <summary>Blocks every write until opened: a destination that stalls.</summary>
        private sealed class GatedStream : MemoryStream
        {
            private readonly ManualResetEventSlim gate = new ManualResetEventSlim(false);
            public void Open() => gate.Set();
            public override void Write(byte[] buffer, int offset, int count)
            {
                gate.Wait();
                base.Write(buffer, offset, count);
            }
        }

        /// <summary>A destination that is slower than the writer.</summary>
        private sealed class SlowStream : MemoryStream
        {
            public override void Write(byte[] buffer, int offset, int count)
            {
                Thread.Sleep(2);
                base.Write(buffer, offset, count);
            }
        }

        private sealed class FailingStream : ForwardWriteStream
        {
            private readonly long failAfterBytes;
            public FailingStream(long failAfterBytes) { this.failAfterBytes = failAfterBytes; }
            public long Written { get; private set; }
            public override void Write(byte[] buffer, int offset, int count)
            {
                if (Written + count > failAfterBytes) throw new IOException("injected: the destination went away");
                Written += count;
            }
        }
    }
}
