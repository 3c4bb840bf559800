using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;

namespace BqBackup.IO
{
    /// <summary>
    /// A write-only stream that hands every byte to several target streams, each written on a
    /// thread of its own, so one backup body reaches several destinations concurrently.
    /// Memory is bounded by construction: bytes travel in at most <see cref="ChunkCount"/> chunks of
    /// <see cref="ChunkSize"/> bytes, shared by every target and reused once each live target has
    /// written them. A slow target holds chunks and so makes <see cref="Write"/> wait (it slows the
    /// backup, it never grows memory); a target that throws is dropped — its queue drained, its
    /// chunks returned — and the others go on. Only when every target has failed does a write throw.
    /// </summary>
    internal sealed class FanOutStream : ForwardWriteStream
    {
        public const int DefaultChunkSize = 1 << 20;
        public const int DefaultChunkCount = 8;

        private readonly Target[] targets;
        private readonly CancellationToken cancellation;
        private readonly SemaphoreSlim available;
        private readonly ConcurrentBag<Chunk> spare = new ConcurrentBag<Chunk>();
        private Chunk current;
        private int allocated;
        private long written;
        private bool completed;

        public FanOutStream(IReadOnlyList<Stream> destinations, CancellationToken cancellation,
            int chunkSize = DefaultChunkSize, int chunkCount = DefaultChunkCount)
        {
            if (destinations == null || destinations.Count == 0) throw new ArgumentException("At least one target stream is needed.", nameof(destinations));
            if (chunkSize <= 0) throw new ArgumentOutOfRangeException(nameof(chunkSize));
            if (chunkCount <= 0) throw new ArgumentOutOfRangeException(nameof(chunkCount));
            ChunkSize = chunkSize;
            ChunkCount = chunkCount;
            this.cancellation = cancellation;
            available = new SemaphoreSlim(chunkCount, chunkCount);
            targets = destinations.Select((stream, i) => new Target(this, stream, i)).ToArray();
            foreach (var target in targets) target.Start();
        }

        public int ChunkSize { get; }
        public int ChunkCount { get; }

        /// <summary>How many chunk buffers were ever allocated: never more than <see cref="ChunkCount"/>.</summary>
        public int ChunksAllocated => Volatile.Read(ref allocated);

        private bool stopping;
        /// <summary>Dispose has told every target to stop and is waiting for their threads (a test's sign that the race it sets up has begun).</summary>
        internal bool Stopping => Volatile.Read(ref stopping);

        /// <summary>Per target, in the order given: null while it is fine, else what it threw.</summary>
        public IReadOnlyList<Exception> Failures => targets.Select(t => t.Failure).ToList();

        /// <summary>Per target: the bytes it has written.</summary>
        public IReadOnlyList<long> BytesWritten => targets.Select(t => Interlocked.Read(ref t.Written)).ToList();

        public override long Length => written;
        public override long Position { get => written; set => throw new NotSupportedException(); }

        /// <summary>Nothing to do: a partly filled chunk goes out when it is full or at <see cref="Complete"/>.</summary>

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (completed) throw new InvalidOperationException("The fan-out was completed.");
            while (count > 0)
            {
                if (current == null) current = Take();
                var room = Math.Min(count, current.Data.Length - current.Length);
                Buffer.BlockCopy(buffer, offset, current.Data, current.Length, room);
                current.Length += room;
                offset += room;
                count -= room;
                written += room;
                if (current.Length == current.Data.Length) Dispatch();
            }
        }

        /// <summary>
        /// Sends what is left, waits until every target has written everything (or failed) and
        /// flushed; then <see cref="Failures"/> is final. Throws only when every target failed.
        /// </summary>
        public void Complete()
        {
            if (completed) return;
            if (current != null && current.Length > 0) Dispatch();
            completed = true;
            foreach (var target in targets) target.Queue.CompleteAdding();
            foreach (var target in targets) target.Join();
            ThrowIfAllFailed();
        }

        /// <summary>Without <see cref="Complete"/> (an error path, Ctrl-C) the targets stop writing and their threads end before this returns.</summary>
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                foreach (var target in targets)
                {
                    if (!completed) target.Abandon();
                    if (!target.Queue.IsAddingCompleted) target.Queue.CompleteAdding();
                }
                completed = true;
                Volatile.Write(ref stopping, true);
                foreach (var target in targets) target.Join();
            }
            base.Dispose(disposing);
        }

        private Chunk Take()
        {
            // The wait is where a slow target slows the writer; a failing target returns its chunks, so it cannot block it.
            while (!available.Wait(TimeSpan.FromMilliseconds(200), cancellation)) ThrowIfAllFailed();
            if (spare.TryTake(out var chunk)) return chunk;
            Interlocked.Increment(ref allocated);
            return new Chunk(new byte[ChunkSize]);
        }

        private void Dispatch()
        {
            var chunk = current;
            current = null;
            var live = targets.Where(t => t.Failure == null).ToList();
            if (live.Count == 0)
            {
                Return(chunk);
                ThrowIfAllFailed();
            }
            // The count is set before any target can see the chunk; a target that fails later still releases what it was given.
            chunk.References = live.Count;
            foreach (var target in live) target.Queue.Add(chunk);
        }

        private void Release(Chunk chunk)
        {
            if (Interlocked.Decrement(ref chunk.References) == 0) Return(chunk);
        }

        private void Return(Chunk chunk)
        {
            chunk.Length = 0;
            spare.Add(chunk);
            available.Release();
        }

        private void ThrowIfAllFailed()
        {
            if (targets.All(t => t.Failure != null))
                throw new AllTargetsFailedException(targets.Select(t => t.Failure).ToList());
        }

        private sealed class Chunk
        {
            public Chunk(byte[] data) { Data = data; }
            public readonly byte[] Data;
            public int Length;
            public int References;
        }

        private sealed class Target
        {
            private readonly FanOutStream owner;
            private readonly Stream stream;
            private readonly Thread thread;
            private volatile Exception failure;
            private volatile bool abandoned;
            public long Written;

            public Target(FanOutStream owner, Stream stream, int index)
            {
                this.owner = owner;
                this.stream = stream;
                thread = new Thread(Drain) { IsBackground = true, Name = "bqbackup-fanout-" + index };
            }

            public BlockingCollection<Chunk> Queue { get; } = new BlockingCollection<Chunk>(new ConcurrentQueue<Chunk>());
            public Exception Failure => failure;

            public void Start() => thread.Start();
            public void Abandon() => abandoned = true;
            public void Join() => thread.Join();

            private void Drain()
            {
                foreach (var chunk in Queue.GetConsumingEnumerable())
                {
                    try
                    {
                        if (failure == null && !abandoned)
                        {
                            stream.Write(chunk.Data, 0, chunk.Length);
                            Interlocked.Add(ref Written, chunk.Length);
                        }
                    }
                    catch (Exception e)
                    {
                        failure = e;
                    }
                    finally
                    {
                        owner.Release(chunk);
                    }
                }
                if (failure != null || abandoned) return;
                try { stream.Flush(); }
                catch (Exception e) { failure = e; }
            }
        }
    }
}
