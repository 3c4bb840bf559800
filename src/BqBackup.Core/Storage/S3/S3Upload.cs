using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3.Model;
using BqBackup.IO;

namespace BqBackup.Storage.S3
{
    /// <summary>
    /// A streamed body: buffered one part at a time, parts uploaded in parallel (bounded), the
    /// object made visible only by CompleteMultipartUpload. Disposed uncommitted (a failure,
    /// Ctrl-C) it aborts the multipart upload so no orphaned parts stay billed in the bucket.
    /// </summary>
    internal sealed class S3Upload : IStoreUpload
    {
        private readonly S3Store store;
        private readonly string key, fullKey, contentType;
        private readonly CancellationToken cancellation;
        private readonly SemaphoreSlim slots;
        private readonly List<Task<PartETag>> parts = new List<Task<PartETag>>();
        // Part buffers are reused: a fresh multi-MiB array per part would pile up on the large-object
        // heap faster than the GC returns them, and memory would grow with the database's size.
        private readonly System.Collections.Concurrent.ConcurrentBag<byte[]> spare = new System.Collections.Concurrent.ConcurrentBag<byte[]>();
        private byte[] buffer;
        private int bufferLength;
        private string uploadId;
        private bool committed;
        private State.InFlightTicket inFlight = State.InFlightTicket.None;
        private readonly Locking.ObjectRetention lockState;

        public S3Upload(S3Store store, string key, string fullKey, string contentType, Locking.ObjectRetention lockState, CancellationToken cancellation)
        {
            this.lockState = lockState;
            this.store = store;
            this.key = key;
            this.fullKey = fullKey;
            this.contentType = contentType;
            this.cancellation = cancellation;
            slots = new SemaphoreSlim(Math.Max(1, store.PartsInFlight));
            buffer = Rent();
            Content = new WriteStream(this);
        }

        public Stream Content { get; }

        /// <summary>Part n's size: the minimum, doubled every 1,000 parts (6 MiB parts reach 5.8 TiB by part 10,000).</summary>
        internal static long PartSize(int minimum, int partNumber) => (long)minimum << Math.Min(10, (partNumber - 1) / 1000);

        private long CurrentPartSize => PartSize(store.MinimumPartSize, parts.Count + 1);

        private byte[] Rent()
        {
            var size = CurrentPartSize;
            while (spare.TryTake(out var array))
                if (array.Length == size) return array;
            return new byte[size];
        }

        private void Write(byte[] data, int offset, int count)
        {
            while (count > 0)
            {
                var room = Math.Min(count, buffer.Length - bufferLength);
                Buffer.BlockCopy(data, offset, buffer, bufferLength, room);
                bufferLength += room;
                offset += room;
                count -= room;
                if (bufferLength == buffer.Length) SendPart();
            }
        }

        private void SendPart()
        {
            cancellation.ThrowIfCancellationRequested();
            ThrowIfAPartFailed();
            if (uploadId == null)
            {
                uploadId = S3Errors.Call(store, "start an upload", key, () => store.Client.InitiateMultipartUploadAsync(
                    new InitiateMultipartUploadRequest
                    {
                        BucketName = store.Bucket, Key = fullKey, ContentType = contentType,
                        ObjectLockMode = lockState == null ? null : S3ObjectLocks.ToS3Header(lockState.Mode),
                        ObjectLockRetainUntilDate = lockState?.RetainUntilUtc,
                    }, cancellation), cancellation).UploadId;
                inFlight = State.InFlightRegistry.ForCurrentUser().Register(State.InFlightRecord.ForUpload(store.Endpoint, store.Bucket, fullKey, uploadId));
            }
            var partNumber = parts.Count + 1;
            var array = buffer;
            var length = bufferLength;
            var body = new MemoryStream(array, 0, bufferLength, writable: false);
            // Object Lock refuses parts without a content checksum; elsewhere MD5 would only cost time.
            var checksummed = lockState != null || store.BucketLocks(cancellation);
            slots.Wait(cancellation);
            buffer = null;
            bufferLength = 0;
            parts.Add(Task.Run(async () =>
            {
                try
                {
                    using (body)
                    {
                        var md5 = checksummed ? S3ObjectLocks.Md5(array, 0, length) : null;
                        var response = await store.Client.UploadPartAsync(new UploadPartRequest
                        {
                            BucketName = store.Bucket, Key = fullKey, UploadId = uploadId, PartNumber = partNumber,
                            InputStream = body, PartSize = body.Length, UseChunkEncoding = false, MD5Digest = md5,
                        }, cancellation).ConfigureAwait(false);
                        if (partNumber == 1) IO.FailPoints.Hit("backup-first-part-uploaded");
                        return new PartETag(partNumber, response.ETag);
                    }
                }
                finally
                {
                    spare.Add(array);
                    slots.Release();
                }
            }));
            buffer = Rent();
        }

        private void ThrowIfAPartFailed()
        {
            var failed = parts.FirstOrDefault(p => p.IsFaulted || p.IsCanceled);
            if (failed == null) return;
            cancellation.ThrowIfCancellationRequested();
            throw S3Errors.Map(store, "upload a part", key, failed.Exception?.GetBaseException() ?? (Exception)new TaskCanceledException());
        }

        public void Commit(CancellationToken commitCancellation)
        {
            if (uploadId == null)
            {
                var content = new byte[bufferLength];
                Buffer.BlockCopy(buffer, 0, content, 0, bufferLength);
                store.Put(key, content, contentType, overwrite: false, lockState, commitCancellation);
                committed = true;
                return;
            }
            if (bufferLength > 0) SendPart();
            PartETag[] etags;
            try
            {
                etags = Task.WhenAll(parts).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested || commitCancellation.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                throw S3Errors.Map(store, "upload a part", key, e);
            }
            // If-None-Match: * refuses atomically where the server honours it; the look first is all
            // that servers which ignore it get. Refused, the upload is aborted on Dispose.
            if (store.Stat(key, commitCancellation) != null) throw store.Conflict(key);
            store.Write("complete the upload", key, exclusive: true, conditional => store.Client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = store.Bucket, Key = fullKey, UploadId = uploadId, PartETags = etags.OrderBy(p => p.PartNumber).ToList(),
                IfNoneMatch = conditional ? "*" : null,
            }, commitCancellation), commitCancellation);
            committed = true;
        }

        public void Dispose()
        {
            buffer = null;
            if (committed || uploadId == null)
            {
                inFlight.Release();
                return;
            }
            try { Task.WhenAll(parts).Wait(TimeSpan.FromSeconds(30)); } catch (Exception) { /* the parts are aborted below either way */ }
            try
            {
                // Not the caller's token: after Ctrl-C it is cancelled, and the abort must still go out.
                using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
                    store.Client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = store.Bucket, Key = fullKey, UploadId = uploadId }, timeout.Token)
                        .GetAwaiter().GetResult();
                inFlight.Release();
            }
            catch (Exception)
            {
                inFlight.Abandon(); // the next run that opens this bucket aborts it
                // The server is gone: a bucket lifecycle rule (AbortIncompleteMultipartUpload) reclaims the parts; the README says so.
            }
        }

        private sealed class WriteStream : ForwardWriteStream
        {
            private readonly S3Upload upload;
            private long written;
            public WriteStream(S3Upload upload) { this.upload = upload; }
            public override long Length => written;
            public override long Position { get => written; set => throw new NotSupportedException(); }
            public override void Write(byte[] buffer, int offset, int count)
            {
                upload.Write(buffer, offset, count);
                written += count;
            }
        }
    }
}
