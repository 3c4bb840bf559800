using System;
using System.IO;
using System.IO.Compression;
using System.Security.Cryptography;

namespace BqBackup.Codec
{
    /// <summary>
    /// Compression and its reverse as one streaming pass that also hashes the uncompressed bytes,
    /// so nothing is read twice and nothing is held in memory but a buffer.
    /// </summary>
    internal static class GzipCodec
    {
        private const int BufferSize = 1 << 20;

        public static CompressionLevel ToFrameworkLevel(BqCompressionLevel level)
        {
            switch (level)
            {
                case BqCompressionLevel.Fastest: return CompressionLevel.Fastest;
                case BqCompressionLevel.SmallestSize:
                    // SmallestSize (3) exists from .NET 6; the assembly targets netstandard2.0 and runs on either.
                    return Enum.IsDefined(typeof(CompressionLevel), 3) ? (CompressionLevel)3 : CompressionLevel.Optimal;
                default: return CompressionLevel.Optimal;
            }
        }

        /// <summary>Gzips <paramref name="source"/> into <paramref name="destination"/> (left open), on every core, as one gzip member.</summary>
        public static CodecResult Compress(Stream source, long sourceLength, Stream destination, BqCompressionLevel level, OperationContext ctx, string activity)
        {
            var buffer = new byte[BufferSize];
            using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            using (var counted = new CountingStream(destination, leaveOpen: true))
            {
                long raw = 0;
                GzipBlockIndex index;
                using (var gzip = new ParallelGzipStream(counted, ToFrameworkLevel(level), ctx.Cancellation))
                {
                    int n;
                    while ((n = source.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        ctx.ThrowIfCancelled();
                        sha.AppendData(buffer, 0, n);
                        gzip.Write(buffer, 0, n);
                        raw += n;
                        ctx.ReportProgress(activity, "Compressing and storing", raw, sourceLength);
                    }
                    gzip.Finish();
                    index = gzip.Index;
                }
                return new CodecResult { RawBytes = raw, EncodedBytes = counted.Count, Sha256 = Hex(sha.GetHashAndReset()), WasCompressed = true, BlockIndex = index };
            }
        }

        /// <summary>
        /// Writes the database held in <paramref name="source"/> to <paramref name="destination"/>:
        /// gunzipped when it is gzip, unzstd'ed when it is zstd (sniffed, not trusted from a name), copied as is when it is a raw
        /// SQLite file, as bunqueue's restore accepts both. A damaged gzip stream is BackupCorrupt.
        /// Never writes more than <paramref name="maxRawBytes"/>: a body that holds more ends the call
        /// with <paramref name="tooLarge"/>'s error (SizeMismatch by default) before the byte over the
        /// bound is written, however small the body that inflates to it.
        /// </summary>
        /// <remarks>
        /// With <paramref name="index"/> (the sidecar's block index of a body we wrote, and
        /// <paramref name="indexedRawLength"/>, the database size it records) a gzip body is
        /// inflated on every core (<see cref="ParallelGunzip"/>); a body that turns out not to match
        /// it throws <see cref="BlockIndexMismatchException"/> and the caller starts over without it.
        /// </remarks>
        public static CodecResult Decompress(Stream source, long sourceLength, Stream destination, OperationContext ctx, string activity, string backupName,
            long maxRawBytes = long.MaxValue, Func<long, BqBackupException> tooLarge = null, GzipBlockIndex index = null, long indexedRawLength = -1)
        {
            using (var counted = new CountingStream(source, leaveOpen: true))
            using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var head = new byte[Math.Max(GzipBlockIndex.HeaderLength, 4)];
                var headLength = StreamUtil.ReadFully(counted, head, 2);
                var gzipped = headLength == 2 && head[0] == 0x1f && head[1] == 0x8b;
                if (gzipped && index != null && indexedRawLength <= maxRawBytes)
                {
                    headLength += StreamUtil.ReadFully(counted, head, head.Length - 2, 2);
                    // Deflate, no optional header fields: the first block starts at byte 10, as the index assumes.
                    if (headLength == head.Length && head[2] == 8 && head[3] == 0)
                    {
                        using (var writer = new HashingWriter(destination, sha, index.BlockSize, ctx.Cancellation))
                        {
                            var inflated = ParallelGunzip.Inflate(counted, index, indexedRawLength, writer, ctx,
                                done => ctx.ReportProgress(activity, "Fetching and decompressing", counted.Count, sourceLength));
                            writer.Complete();
                            return new CodecResult
                            {
                                RawBytes = inflated, EncodedBytes = counted.Count, Sha256 = Hex(sha.GetHashAndReset()), WasCompressed = true,
                                InflatedInParallel = true,
                            };
                        }
                    }
                    ctx.WriteVerbose($"The gzip header of '{backupName}' is not the one its block index assumes; inflating it as one stream.");
                }
                // zstd (our opt-in .db.zst) is sniffed like gzip: the bytes decide, not the name.
                if (!gzipped && headLength == 2) headLength += StreamUtil.ReadFully(counted, head, 2, 2);
                var zstd = !gzipped && ZstdCodec.IsZstd(head, headLength);
                var prefixed = new PrefixedReadStream(head, headLength, counted);
                Stream reader = gzipped ? new GZipStream(prefixed, CompressionMode.Decompress) : zstd ? ZstdCodec.OpenReader(prefixed) : (Stream)prefixed;
                long raw = 0;
                try
                {
                    using (reader)
                    using (var writer = new HashingWriter(destination, sha, BufferSize, ctx.Cancellation))
                    {
                        while (true)
                        {
                            ctx.ThrowIfCancelled();
                            var chunk = writer.Rent();
                            var n = StreamUtil.ReadFully(reader, chunk, chunk.Length);
                            if (n == 0) break;
                            if (n > maxRawBytes - raw)
                                throw tooLarge?.Invoke(maxRawBytes) ?? new BqBackupException(ErrorIds.SizeMismatch, BqErrorCategory.InvalidData,
                                    $"The backup '{backupName}' decompresses to more than {maxRawBytes:N0} bytes; it was stopped there.", backupName,
                                    "Use an older backup; this one cannot be trusted.");
                            writer.Write(chunk, n);
                            raw += n;
                            ctx.ReportProgress(activity, "Fetching and decompressing", counted.Count, sourceLength);
                        }
                        writer.Complete();
                    }
                }
                catch (InvalidDataException e)
                {
                    throw new BqBackupException(ErrorIds.BackupCorrupt, BqErrorCategory.InvalidData,
                        $"The backup '{backupName}' is damaged: its {(zstd ? "zstd" : "gzip")} stream cannot be read ({e.Message}).", backupName,
                        "Restore an older backup (Get-BqBackup lists them); this one cannot be used.", e);
                }
                return new CodecResult { RawBytes = raw, EncodedBytes = counted.Count, Sha256 = Hex(sha.GetHashAndReset()), WasCompressed = gzipped || zstd };
            }
        }

        public static string Hex(byte[] bytes)
        {
            var chars = new char[bytes.Length * 2];
            const string digits = "0123456789abcdef";
            for (var i = 0; i < bytes.Length; i++)
            {
                chars[2 * i] = digits[bytes[i] >> 4];
                chars[2 * i + 1] = digits[bytes[i] & 0xF];
            }
            return new string(chars);
        }
    }
}
