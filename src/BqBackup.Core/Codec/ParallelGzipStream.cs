using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Threading;
using System.Threading.Tasks;
using BqBackup.IO;

namespace BqBackup.Codec
{
    /// <summary>
    /// Gzip compression on every core with the output still ONE gzip member, as pigz writes it:
    /// the input is cut into blocks deflated independently, each but the last ended with a sync
    /// flush (so the next starts on a byte boundary), the last with a final block, under one
    /// header and one CRC-32/ISIZE trailer. Any gzip reader, including ones that stop after the
    /// first member, reads it as one stream. Blocks are written in order; memory is bounded by the
    /// blocks in flight.
    /// </summary>
    internal sealed class ParallelGzipStream : ForwardWriteStream
    {
        internal const int DefaultBlockSize = 1 << 20;
        private static readonly byte[] EmptyFinalBlock = { 0x03, 0x00 };

        private readonly Stream output;
        private readonly CompressionLevel level;
        private readonly int blockSize;
        private readonly int maxInFlight;
        // Each block's CRC-32 is computed by its worker and combined in order (crc32_combine): one
        // CRC over the whole input on the writing thread would be a serial step beside parallel deflate.
        private uint crc;
        private readonly Queue<Task<(byte[] input, ArraySegment<byte> output, uint crc, int length)>> inFlight = new Queue<Task<(byte[] input, ArraySegment<byte> output, uint crc, int length)>>();
        // Input and output buffers are reused: a fresh pair per megabyte would pile up on the
        // large-object heap faster than the GC returns it, and memory would grow with the database.
        private readonly System.Collections.Concurrent.ConcurrentBag<byte[]> spareInputs = new System.Collections.Concurrent.ConcurrentBag<byte[]>();
        private readonly System.Collections.Concurrent.ConcurrentBag<byte[]> spareOutputs = new System.Collections.Concurrent.ConcurrentBag<byte[]>();
        private readonly CancellationToken cancellation;
        private byte[] block;
        private int blockLength;
        private long totalIn;
        private long written;
        private bool finished;
        private readonly List<int> blockLengths = new List<int>();

        public ParallelGzipStream(Stream output, CompressionLevel level, CancellationToken cancellation, int blockSize = DefaultBlockSize, int? threads = null)
        {
            this.output = output;
            this.level = level;
            this.blockSize = blockSize;
            this.cancellation = cancellation;
            maxInFlight = Math.Max(1, threads ?? Environment.ProcessorCount) + 1;
            block = RentInput();
            // Header: magic, deflate, no flags, no mtime (reproducible), no extra flags, OS unknown.
            output.Write(new byte[] { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff }, 0, 10);
        }

        public override long Position { get => totalIn; set => throw new NotSupportedException(); }

        /// <summary>Uncompressed bytes per block (all but the last are full).</summary>
        public int BlockSize => blockSize;

        /// <summary>Where each block starts, for the sidecar's index: null until <see cref="Finish"/>, and for an empty input.</summary>
        public GzipBlockIndex Index => finished && totalIn > 0 ? new GzipBlockIndex(blockSize, blockLengths.ToArray()) : null;

        public override void Write(byte[] buffer, int offset, int count)
        {
            totalIn += count;
            while (count > 0)
            {
                var n = Math.Min(count, blockSize - blockLength);
                Buffer.BlockCopy(buffer, offset, block, blockLength, n);
                blockLength += n;
                offset += n;
                count -= n;
                // A full block is only sent once more input arrives, so the last block is always known to be last.
                if (blockLength == blockSize && count > 0) Submit(final: false);
            }
        }

        private byte[] RentInput() => spareInputs.TryTake(out var a) ? a : new byte[blockSize];

        /// <summary>Deflate never grows data by more than a few bytes per 16 KiB block, plus the flush markers.</summary>
        private byte[] RentOutput() => spareOutputs.TryTake(out var a) ? a : new byte[blockSize + blockSize / 64 + 4096];

        private void Submit(bool final)
        {
            cancellation.ThrowIfCancellationRequested();
            var data = block;
            var length = blockLength;
            var target = RentOutput();
            block = final ? null : RentInput();
            blockLength = 0;
            var compressionLevel = level;
            inFlight.Enqueue(IO.BackgroundScheduler.Run(() => (data, Deflate(data, length, target, final, compressionLevel), FastCrc32.Compute(data, 0, length), length)));
            while (inFlight.Count >= maxInFlight) WriteOldest();
        }

        private static ArraySegment<byte> Deflate(byte[] data, int length, byte[] target, bool final, CompressionLevel level)
        {
            var compressed = new MemoryStream(target, 0, target.Length, writable: true, publiclyVisible: true);
            var deflate = new DeflateStream(compressed, level, leaveOpen: true);
            deflate.Write(data, 0, length);
            if (final)
            {
                deflate.Dispose();
                return new ArraySegment<byte>(target, 0, (int)compressed.Position);
            }
            // A sync flush ends the block on a byte boundary without a final bit; what disposing adds after it is not ours.
            deflate.Flush();
            var taken = (int)compressed.Position;
            deflate.Dispose();
            return new ArraySegment<byte>(target, 0, taken);
        }

        private void WriteOldest()
        {
            var (input, segment, blockCrc, length) = inFlight.Dequeue().GetAwaiter().GetResult();
            crc = written == 0 ? blockCrc : Crc32Combine.Combine(crc, blockCrc, length);
            written += length;
            output.Write(segment.Array, segment.Offset, segment.Count);
            blockLengths.Add(segment.Count);
            spareInputs.Add(input);
            spareOutputs.Add(segment.Array);
        }

        /// <summary>Writes the last block and the trailer. Without it the stream is incomplete, on purpose: nothing half-written is ever a valid gzip.</summary>
        public void Finish()
        {
            if (finished) return;
            if (blockLength > 0) Submit(final: true);
            else
            {
                while (inFlight.Count > 0) WriteOldest();
                output.Write(EmptyFinalBlock, 0, EmptyFinalBlock.Length);
            }
            while (inFlight.Count > 0) WriteOldest();
            var trailer = new byte[8];
            trailer[0] = (byte)crc; // little-endian, as gzip stores it
            trailer[1] = (byte)(crc >> 8);
            trailer[2] = (byte)(crc >> 16);
            trailer[3] = (byte)(crc >> 24);
            var size = (uint)(totalIn & 0xFFFFFFFF);
            trailer[4] = (byte)size;
            trailer[5] = (byte)(size >> 8);
            trailer[6] = (byte)(size >> 16);
            trailer[7] = (byte)(size >> 24);
            output.Write(trailer, 0, 8);
            finished = true;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !finished)
            {
                // Abandoned (failure, Ctrl-C): let the workers finish, write nothing more.
                foreach (var t in inFlight) { try { t.Wait(); } catch (AggregateException) { } }
                inFlight.Clear();
            }
            base.Dispose(disposing);
        }
    }
}
