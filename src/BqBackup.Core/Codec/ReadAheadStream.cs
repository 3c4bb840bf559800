using System;
using System.Collections.Concurrent;
using System.IO;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using BqBackup.IO;

namespace BqBackup.Codec
{
    /// <summary>
    /// Reads a source stream on a worker thread, a few blocks ahead of the reader, so that what the
    /// source costs (decrypting and authenticating age chunks) runs beside what the reader does
    /// with the bytes (gunzip, hashing, writing) instead of before it. Bytes come out in order and
    /// unchanged; a failure of the source reaches the reader after the bytes read before it, at the
    /// same point of the stream as without read-ahead. Memory is bounded: at most
    /// <c>depth</c> blocks wait.
    /// </summary>
    internal sealed class ReadAheadStream : ForwardReadStream
    {
        private const int BlockSize = 256 * 1024;
        private readonly Stream source;
        private readonly BlockingCollection<(byte[] block, int length, ExceptionDispatchInfo failure)> ready;
        private readonly CancellationTokenSource stop = new CancellationTokenSource();
        private readonly Task worker;
        private byte[] current;
        private int currentLength;
        private int currentOffset;
        private bool ended;
        private bool disposed;

        public ReadAheadStream(Stream source, int depth = 4)
        {
            this.source = source ?? throw new ArgumentNullException(nameof(source));
            ready = new BlockingCollection<(byte[], int, ExceptionDispatchInfo)>(depth);
            worker = Task.Factory.StartNew(Fill, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        private void Fill()
        {
            byte[] block = null;
            var length = 0;
            try
            {
                while (true)
                {
                    block = new byte[BlockSize];
                    length = 0;
                    int n;
                    while (length < block.Length && (n = source.Read(block, length, block.Length - length)) > 0) length += n;
                    ready.Add((block, length, null), stop.Token);
                    block = null;
                    if (length == 0) return;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                try
                {
                    // What was read before the failure still comes first.
                    if (block != null && length > 0) ready.Add((block, length, null), stop.Token);
                    ready.Add((null, 0, ExceptionDispatchInfo.Capture(e)), stop.Token);
                }
                catch (OperationCanceledException) { }
            }
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (disposed) throw new ObjectDisposedException(nameof(ReadAheadStream));
            if (count == 0) return 0;
            while (current == null || currentOffset == currentLength)
            {
                if (ended) return 0;
                var (block, length, failure) = ready.Take();
                failure?.Throw();
                if (length == 0) { ended = true; return 0; }
                current = block;
                currentLength = length;
                currentOffset = 0;
            }
            var copied = Math.Min(count, currentLength - currentOffset);
            Buffer.BlockCopy(current, currentOffset, buffer, offset, copied);
            currentOffset += copied;
            return copied;
        }

        public override bool CanRead => !disposed;

        /// <summary>Stops the worker and waits for it, so the source is never read after this returns; the source itself is the caller's.</summary>
        protected override void Dispose(bool disposing)
        {
            if (!disposed && disposing)
            {
                disposed = true;
                stop.Cancel();
                try { worker.Wait(); } catch (AggregateException) { }
                stop.Dispose();
                ready.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
