using System;
using System.Collections.Concurrent;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace BqBackup.Codec
{
    /// <summary>
    /// Hashes and writes chunks on a thread of its own, so a restore's gunzip does not wait for
    /// SHA-256 and the file write (together they cost about as much as the inflating itself).
    /// Chunks are handed over, not copied: Rent a buffer, fill it, Write it, and it comes back to
    /// the pool once written. At most <see cref="Depth"/> chunks wait, so memory stays bounded.
    /// </summary>
    internal sealed class HashingWriter : IDisposable
    {
        internal const int Depth = 4;

        private readonly Stream destination;
        private readonly IncrementalHash sha;
        private readonly int chunkSize;
        private readonly BlockingCollection<(byte[] buffer, int count)> queue = new BlockingCollection<(byte[], int)>(Depth);
        private readonly ConcurrentBag<byte[]> spare = new ConcurrentBag<byte[]>();
        private readonly CancellationTokenSource stop;
        private readonly Task consumer;
        private volatile Exception failure;

        public HashingWriter(Stream destination, IncrementalHash sha, int chunkSize, CancellationToken cancellation)
        {
            this.destination = destination;
            this.sha = sha;
            this.chunkSize = chunkSize;
            stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            consumer = Task.Factory.StartNew(Consume, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        public byte[] Rent() => spare.TryTake(out var b) ? b : new byte[chunkSize];

        /// <summary>Queues <paramref name="count"/> bytes of <paramref name="buffer"/> (a rented one, now ours); throws the writer's own failure, if any.</summary>
        public void Write(byte[] buffer, int count)
        {
            ThrowIfFailed();
            try
            {
                queue.Add((buffer, count), stop.Token);
            }
            catch (OperationCanceledException)
            {
                ThrowIfFailed();
                throw;
            }
        }

        /// <summary>Waits until every queued chunk is hashed and written.</summary>
        public void Complete()
        {
            queue.CompleteAdding();
            try { consumer.Wait(); } catch (AggregateException) { }
            ThrowIfFailed();
            stop.Token.ThrowIfCancellationRequested();
        }

        private void Consume()
        {
            try
            {
                foreach (var (buffer, count) in queue.GetConsumingEnumerable(stop.Token))
                {
                    sha.AppendData(buffer, 0, count);
                    destination.Write(buffer, 0, count);
                    spare.Add(buffer);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception e)
            {
                failure = e;
                // Wakes a producer blocked on a full queue.
                stop.Cancel();
            }
        }

        private void ThrowIfFailed()
        {
            var e = failure;
            if (e != null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e).Throw();
        }

        public void Dispose()
        {
            // On an error path: stop the consumer and wait for it, so nothing touches the
            // destination after its owner disposes it.
            if (!queue.IsAddingCompleted)
            {
                stop.Cancel();
                queue.CompleteAdding();
            }
            try { consumer.Wait(); } catch (AggregateException) { }
            stop.Dispose();
            queue.Dispose();
        }
    }
}
