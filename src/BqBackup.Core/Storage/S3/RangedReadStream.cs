using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3.Model;
using BqBackup.IO;

namespace BqBackup.Storage.S3
{
    /// <summary>
    /// Reads a large object as consecutive byte ranges fetched in parallel (a bounded number ahead
    /// of the reader) and hands them out in order: one S3 connection rarely fills the link, several
    /// do. Memory is bounded by the ranges in flight.
    /// </summary>
    internal sealed class RangedReadStream : ForwardReadStream
    {
        private readonly S3Store store;
        private readonly string key, fullKey, versionId;
        private readonly long length;
        private readonly int rangeSize;
        private readonly int ahead;
        private readonly CancellationToken cancellation;
        private readonly Queue<Task<ArraySegment<byte>>> pending = new Queue<Task<ArraySegment<byte>>>();
        // Range buffers are reused, as the upload's part buffers are: memory stays flat.
        private readonly System.Collections.Concurrent.ConcurrentBag<byte[]> spare = new System.Collections.Concurrent.ConcurrentBag<byte[]>();
        private long nextOffset;
        private ArraySegment<byte> current = new ArraySegment<byte>(Array.Empty<byte>());
        private int currentPosition;
        private long position;

        public RangedReadStream(S3Store store, string key, string fullKey, string versionId, long length, int rangeSize, int ahead, CancellationToken cancellation)
        {
            this.store = store;
            this.key = key;
            this.fullKey = fullKey;
            this.versionId = versionId;
            this.length = length;
            this.rangeSize = rangeSize;
            this.ahead = Math.Max(1, ahead);
            this.cancellation = cancellation;
            Fill();
        }

        public override long Length => length;
        public override long Position { get => position; set => throw new NotSupportedException(); }

        private void Fill()
        {
            while (pending.Count < ahead && nextOffset < length)
            {
                var start = nextOffset;
                var end = Math.Min(length, start + rangeSize) - 1;
                nextOffset = end + 1;
                pending.Enqueue(Task.Run(() => Fetch(start, end)));
            }
        }

        private async Task<ArraySegment<byte>> Fetch(long start, long end)
        {
            var request = new GetObjectRequest { BucketName = store.Bucket, Key = fullKey, VersionId = versionId, ByteRange = new ByteRange(start, end) };
            using (var response = await store.Client.GetObjectAsync(request, cancellation).ConfigureAwait(false))
            {
                var length = (int)(end - start + 1);
                if (!spare.TryTake(out var data) || data.Length < length) data = new byte[rangeSize];
                var read = 0;
                while (read < length)
                {
                    var n = await response.ResponseStream.ReadAsync(data, read, length - read, cancellation).ConfigureAwait(false);
                    if (n == 0) throw new IOException($"The range {start}-{end} of '{key}' ended after {read} bytes.");
                    read += n;
                }
                return new ArraySegment<byte>(data, 0, length);
            }
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (currentPosition == current.Count)
            {
                if (pending.Count == 0) return 0;
                if (current.Array.Length == rangeSize) spare.Add(current.Array);
                try
                {
                    current = pending.Dequeue().GetAwaiter().GetResult();
                }
                catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception e)
                {
                    throw S3Errors.Map(store, "read", key, e);
                }
                currentPosition = 0;
                Fill();
            }
            var n = Math.Min(count, current.Count - currentPosition);
            Buffer.BlockCopy(current.Array, current.Offset + currentPosition, buffer, offset, n);
            currentPosition += n;
            position += n;
            return n;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                foreach (var t in pending) { try { t.Wait(); } catch (AggregateException) { } }
            base.Dispose(disposing);
        }
    }
}
