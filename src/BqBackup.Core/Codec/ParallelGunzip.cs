using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Threading.Tasks;

namespace BqBackup.Codec
{
    /// <summary>
    /// Inflates a gzip body we wrote block by block on every core, by the index its sidecar
    /// records: the compressed blocks are cut from the stream as it arrives (nothing waits for the
    /// whole file, so a download overlaps the inflating), each is inflated on its own into a
    /// buffer of its known size, and the buffers go in order to the <see cref="HashingWriter"/>,
    /// which hashes (SHA-256) and writes them on a thread of its own. Each block's CRC-32 is
    /// computed beside its inflating and combined (crc32_combine) into the one the gzip trailer
    /// holds. A block that does not inflate to its size, a CRC or ISIZE that differs, or bytes
    /// after the trailer throw <see cref="BlockIndexMismatchException"/>: the caller then reads the
    /// body again as one stream, whose verdict counts.
    /// </summary>
    internal static class ParallelGunzip
    {
        /// <summary>The stock empty final block (BFINAL, fixed Huffman, end of block) that closes a block ended by a sync flush.</summary>
        private static readonly byte[] FinalBlock = { 0x03, 0x00 };

        /// <summary>
        /// Reads the blocks from <paramref name="source"/> (positioned right after the 10-byte gzip
        /// header) to the end of the stream and writes <paramref name="rawLength"/> bytes to
        /// <paramref name="writer"/>; returns the bytes written.
        /// </summary>
        public static long Inflate(Stream source, GzipBlockIndex index, long rawLength, HashingWriter writer, OperationContext ctx,
            Action<long> progress, int? threads = null)
        {
            if (!index.Fits(rawLength)) throw new BlockIndexMismatchException($"the index of {index.Count} blocks cannot describe {rawLength:N0} bytes");
            var maxInFlight = Math.Max(1, threads ?? Environment.ProcessorCount) + 1;
            var inputs = new ConcurrentBag<byte[]>();
            var inputSize = index.BlockSize + index.BlockSize / 64 + 4096 + FinalBlock.Length;
            var inFlight = new Queue<Task<Inflated>>();
            uint crc = 0;
            long written = 0;
            try
            {
                for (var i = 0; i < index.Count; i++)
                {
                    ctx.ThrowIfCancelled();
                    var last = i == index.Count - 1;
                    var length = index.CompressedLengths[i];
                    var input = inputs.TryTake(out var spare) ? spare : new byte[inputSize];
                    if (StreamUtil.ReadFully(source, input, length) < length)
                        throw new BlockIndexMismatchException($"the body ends inside block {i + 1} of {index.Count}");
                    var inputLength = length;
                    if (!last)
                    {
                        Buffer.BlockCopy(FinalBlock, 0, input, length, FinalBlock.Length);
                        inputLength += FinalBlock.Length;
                    }
                    var expected = last ? (int)(rawLength - (long)i * index.BlockSize) : index.BlockSize;
                    var output = writer.Rent();
                    var block = i;
                    inFlight.Enqueue(Task.Run(() => InflateBlock(block, input, inputLength, output, expected)));
                    while (inFlight.Count >= maxInFlight) Hand(inFlight.Dequeue(), inputs, writer, ref crc, ref written, progress);
                }
                while (inFlight.Count > 0) Hand(inFlight.Dequeue(), inputs, writer, ref crc, ref written, progress);
            }
            finally
            {
                // On a failure: let the workers finish with their buffers before anything else is done with them.
                foreach (var t in inFlight) { try { t.Wait(); } catch (AggregateException) { } }
            }

            var trailer = new byte[8];
            if (StreamUtil.ReadFully(source, trailer, 8) < 8) throw new BlockIndexMismatchException("the body ends before its gzip trailer");
            // Little-endian, as gzip stores them.
            var storedCrc = (uint)(trailer[0] | trailer[1] << 8 | trailer[2] << 16 | trailer[3] << 24);
            var storedSize = (uint)(trailer[4] | trailer[5] << 8 | trailer[6] << 16 | trailer[7] << 24);
            if (storedCrc != crc) throw new BlockIndexMismatchException($"the blocks' combined CRC-32 {crc:x8} differs from the trailer's {storedCrc:x8}");
            if (storedSize != (uint)(written & 0xFFFFFFFF)) throw new BlockIndexMismatchException("the trailer's size differs from the blocks' total");
            if (source.Read(new byte[1], 0, 1) != 0) throw new BlockIndexMismatchException("data follows the gzip trailer");
            return written;
        }

        private static void Hand(Task<Inflated> task, ConcurrentBag<byte[]> inputs, HashingWriter writer, ref uint crc, ref long written, Action<long> progress)
        {
            var block = task.GetAwaiter().GetResult();
            inputs.Add(block.Input);
            if (block.Problem != null) throw new BlockIndexMismatchException(block.Problem, block.Failure);
            crc = written == 0 ? block.Crc : Crc32Combine.Combine(crc, block.Crc, block.Length);
            writer.Write(block.Output, block.Length);
            written += block.Length;
            progress(written);
        }

        private static Inflated InflateBlock(int block, byte[] input, int inputLength, byte[] output, int expected)
        {
            var result = new Inflated { Input = input, Output = output };
            try
            {
                using (var compressed = new MemoryStream(input, 0, inputLength, writable: false))
                using (var inflater = new DeflateStream(compressed, CompressionMode.Decompress))
                {
                    var produced = StreamUtil.ReadFully(inflater, output, expected);
                    if (produced < expected) { result.Problem = $"block {block + 1} inflates to {produced:N0} bytes, not {expected:N0}"; return result; }
                    if (inflater.Read(new byte[1], 0, 1) != 0) { result.Problem = $"block {block + 1} inflates to more than {expected:N0} bytes"; return result; }
                    // The inflater pulls its input in chunks, so a correct block is read to its end; a block that ended well before it was given trailing bytes.
                    if (compressed.Position < inputLength) { result.Problem = $"block {block + 1} ends before its indexed length"; return result; }
                }
                result.Length = expected;
                result.Crc = FastCrc32.Compute(output, 0, expected);
            }
            catch (InvalidDataException e)
            {
                result.Problem = $"block {block + 1} is not valid deflate data ({e.Message})";
                result.Failure = e;
            }
            return result;
        }

        private sealed class Inflated
        {
            public byte[] Input;
            public byte[] Output;
            public int Length;
            public uint Crc;
            public string Problem;
            public Exception Failure;
        }
    }
}
