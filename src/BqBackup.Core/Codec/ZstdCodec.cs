using System;
using System.IO;
using System.Security.Cryptography;
using ZstdSharp;
using ZstdSharp.Unsafe;
using BqBackup.IO;

namespace BqBackup.Codec
{
    /// <summary>
    /// The opt-in zstd body: one zstd frame with the content size and a content checksum in it (so
    /// the stock <c>zstd -d</c> verifies it on its own), compressed on every core by zstd's own
    /// multi-threading (ZstdSharp.Port, a managed port of the reference library), hashed in the same
    /// pass. Levels follow <see cref="BqCompressionLevel"/>: Fastest 1, Optimal 3 (zstd's default),
    /// SmallestSize 19.
    /// </summary>
    internal static class ZstdCodec
    {
        private const int BufferSize = 1 << 20;
        private const int JobSize = 1 << 20;
        private static readonly byte[] Magic = { 0x28, 0xB5, 0x2F, 0xFD };

        public static int LevelFor(BqCompressionLevel level)
        {
            switch (level)
            {
                case BqCompressionLevel.Fastest: return 1;
                case BqCompressionLevel.SmallestSize: return 19;
                default: return 3;
            }
        }

        /// <summary>Whether the first bytes of a body are a zstd frame's magic number.</summary>
        public static bool IsZstd(byte[] head, int length) =>
            length >= Magic.Length && head[0] == Magic[0] && head[1] == Magic[1] && head[2] == Magic[2] && head[3] == Magic[3];

        /// <summary>Compresses <paramref name="source"/> into <paramref name="destination"/> (left open) as one zstd frame.</summary>
        public static CodecResult Compress(Stream source, long sourceLength, Stream destination, BqCompressionLevel level, OperationContext ctx, string activity)
        {
            var buffer = new byte[BufferSize];
            using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            using (var counted = new CountingStream(destination, leaveOpen: true))
            {
                long raw = 0;
                var zstd = new CompressionStream(counted, LevelFor(level), BufferSize, leaveOpen: true);
                var completed = false;
                try
                {
                    zstd.SetParameter(ZSTD_cParameter.ZSTD_c_nbWorkers, Environment.ProcessorCount);
                    zstd.SetParameter(ZSTD_cParameter.ZSTD_c_checksumFlag, 1);
                    // 1 MiB jobs (as the gzip blocks): zstd's default at level 3 (8 MiB jobs and their buffers)
                    // peaked 79 MiB above idle on 2 cores, 1 MiB jobs 32 MiB, for 0.02% more bytes.
                    zstd.SetParameter(ZSTD_cParameter.ZSTD_c_jobSize, JobSize);
                    // The snapshot is a file nobody else writes: its length is the frame's content size (zstd -l shows it).
                    if (sourceLength >= 0) zstd.SetPledgedSrcSize((ulong)sourceLength);
                    int n;
                    var started = false;
                    while ((n = source.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        ctx.ThrowIfCancelled();
                        sha.AppendData(buffer, 0, n);
                        if (started) zstd.Write(buffer, 0, n);
                        else
                        {
                            // zstd starts its worker threads on the first write, from the writing thread, and
                            // Linux threads inherit their creator's nice value: made from one of ours (nice 10),
                            // they yield to bunqueue's threads as the gzip blocks do.
                            var first = n;
                            IO.BackgroundScheduler.Run(() => { zstd.Write(buffer, 0, first); return true; }).GetAwaiter().GetResult();
                            started = true;
                        }
                        raw += n;
                        ctx.ReportProgress(activity, "Compressing and storing", raw, sourceLength);
                    }
                    // Disposing ends the frame: the epilogue and the checksum reach the output here.
                    zstd.Dispose();
                    completed = true;
                }
                catch (ZstdException e)
                {
                    throw new IOException($"zstd compression failed: {e.Message}", e);
                }
                finally
                {
                    // An error path: the frame is left unfinished (the upload is discarded), and the workers are stopped.
                    if (!completed) DisposeQuietly(zstd);
                }
                return new CodecResult { RawBytes = raw, EncodedBytes = counted.Count, Sha256 = GzipCodec.Hex(sha.GetHashAndReset()), WasCompressed = true };
            }
        }

        /// <summary>
        /// A reader of the zstd frames in <paramref name="compressed"/>: a damaged or cut frame reads
        /// as <see cref="InvalidDataException"/>, as a damaged gzip stream does.
        /// </summary>
        public static Stream OpenReader(Stream compressed) => new ZstdReadStream(compressed);

        private static void DisposeQuietly(IDisposable d)
        {
            try { d.Dispose(); }
            catch (Exception e) when (e is ZstdException || e is IOException || e is ObjectDisposedException || e is OperationCanceledException) { }
        }

        /// <summary>Translates ZstdSharp's exceptions into the framework's InvalidDataException.</summary>
        private sealed class ZstdReadStream : ForwardReadStream
        {
            private readonly DecompressionStream inner;

            public ZstdReadStream(Stream compressed)
            {
                // checkEndOfStream: a body cut inside a frame is an error, not a short database.
                inner = new DecompressionStream(compressed, BufferSize, checkEndOfStream: true, leaveOpen: false);
            }


            public override int Read(byte[] buffer, int offset, int count)
            {
                try
                {
                    return inner.Read(buffer, offset, count);
                }
                catch (ZstdException e)
                {
                    throw new InvalidDataException($"zstd: {e.Message}", e);
                }
                catch (EndOfStreamException e)
                {
                    throw new InvalidDataException("zstd: the body ends inside a frame (it was cut short)", e);
                }
            }

            protected override void Dispose(bool disposing)
            {
                if (disposing) DisposeQuietly(inner);
                base.Dispose(disposing);
            }
        }
    }
}
