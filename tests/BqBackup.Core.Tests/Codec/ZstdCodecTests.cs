using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using BqBackup.Codec;
using Xunit;

namespace BqBackup.Tests.Codec
{
    /// <summary>
    /// The opt-in zstd body: ZstdCodec writes one frame (content size and checksum in it) that the
    /// restore path reads by sniffing the bytes, and the stock zstd reads both ways; a damaged body
    /// is BackupCorrupt naming zstd, never a short or wrong database.
    /// </summary>
    public class ZstdCodecTests
    {
        private static byte[] Data(int length)
        {
            var r = new Random(length);
            return Enumerable.Range(0, length).Select(_ => (byte)(r.Next(4) == 0 ? ' ' : 'a' + r.Next(26))).ToArray();
        }

        private static string Sha256(byte[] data)
        {
            using (var sha = SHA256.Create()) return GzipCodec.Hex(sha.ComputeHash(data));
        }

        private static (byte[] body, CodecResult result) Compress(byte[] data, BqCompressionLevel level = BqCompressionLevel.Optimal)
        {
            using (var output = new MemoryStream())
            {
                var result = ZstdCodec.Compress(new MemoryStream(data), data.Length, output, level, OperationContext.None, "Test");
                return (output.ToArray(), result);
            }
        }

        private static CodecResult Decompress(byte[] body, MemoryStream output) =>
            GzipCodec.Decompress(new MemoryStream(body), body.Length, output, OperationContext.None, "Test", "x.db.zst");

        [Theory]
        [InlineData(0, BqCompressionLevel.Optimal)]
        [InlineData(1, BqCompressionLevel.Optimal)]
        [InlineData(3 * (1 << 20) + 7, BqCompressionLevel.Optimal)]
        [InlineData(9 * (1 << 20) + 5, BqCompressionLevel.Fastest)] // more than one zstd job per worker
        [InlineData(1 << 20, BqCompressionLevel.SmallestSize)]
        public void Round_trips_the_exact_bytes_and_hashes_them_on_both_sides(int length, BqCompressionLevel level)
        {
            var data = Data(length);
            var (body, written) = Compress(data, level);
            Assert.True(ZstdCodec.IsZstd(body, body.Length));
            Assert.Equal(data.Length, written.RawBytes);
            Assert.Equal(body.Length, written.EncodedBytes);
            Assert.Equal(Sha256(data), written.Sha256);
            if (length > 4096) Assert.True(body.Length < data.Length * 0.8, $"{body.Length} of {data.Length}: not compressed");
            using (var output = new MemoryStream())
            {
                var read = Decompress(body, output);
                Assert.True(read.WasCompressed);
                Assert.Equal(written.Sha256, read.Sha256);
                Assert.Equal(data.Length, read.RawBytes);
                Assert.True(data.SequenceEqual(output.ToArray()));
            }
        }

        [Fact]
        public void Smaller_levels_compress_less()
        {
            // Words from a small vocabulary: what the levels differ on is how far and hard they look for repeats.
            var r = new Random(7);
            var words = Enumerable.Range(0, 400).Select(_ => new string(Enumerable.Range(0, 3 + r.Next(9)).Select(__ => (char)('a' + r.Next(26))).ToArray())).ToArray();
            var data = System.Text.Encoding.ASCII.GetBytes(string.Join(" ", Enumerable.Range(0, 300_000).Select(_ => words[r.Next(words.Length)])));
            Assert.True(Compress(data, BqCompressionLevel.Fastest).body.Length > Compress(data, BqCompressionLevel.SmallestSize).body.Length);
        }

        [Theory]
        [InlineData(4)]        // the magic alone
        [InlineData(100)]      // inside the first block
        [InlineData(-1)]       // all but the last byte (the checksum)
        public void A_truncated_body_is_BackupCorrupt(int keep)
        {
            var (body, _) = Compress(Data(2 << 20));
            var cut = body.Take(keep > 0 ? keep : body.Length + keep).ToArray();
            using (var output = new MemoryStream())
            {
                var e = Assert.Throws<BqBackupException>(() => Decompress(cut, output));
                Assert.Equal(ErrorIds.BackupCorrupt, e.ErrorId);
                Assert.Contains("zstd", e.Message);
            }
        }

        [Fact]
        public void A_flipped_byte_is_BackupCorrupt()
        {
            var (body, _) = Compress(Data(2 << 20));
            foreach (var at in new[] { body.Length / 3, body.Length / 2, body.Length - 2 })
            {
                var bad = (byte[])body.Clone();
                bad[at] ^= 0x5a;
                using (var output = new MemoryStream())
                {
                    var e = Assert.Throws<BqBackupException>(() => Decompress(bad, output));
                    Assert.Equal(ErrorIds.BackupCorrupt, e.ErrorId);
                }
            }
        }

        [Fact]
        public void Junk_after_the_frame_is_BackupCorrupt()
        {
            var (body, _) = Compress(Data(1 << 20));
            var junk = body.Concat(Enumerable.Repeat((byte)'x', 64)).ToArray();
            using (var output = new MemoryStream())
            {
                var e = Assert.Throws<BqBackupException>(() => Decompress(junk, output));
                Assert.Equal(ErrorIds.BackupCorrupt, e.ErrorId);
            }
        }

        [Fact]
        public void The_stock_zstd_reads_ours_and_we_read_the_stock_zstds()
        {
            const string zstd = "/usr/bin/zstd";
            if (!File.Exists(zstd)) throw new InvalidOperationException("Debian's zstd is missing: run tests/tools/Install-Prerequisites.ps1.");
            var data = Data(5 * (1 << 20) + 3);
            using (var t = new TempDir())
            {
                var ours = t.File("ours.zst");
                File.WriteAllBytes(ours, Compress(data).body);
                Run(zstd, "-q", "-t", ours); // its own check, content checksum included
                Run(zstd, "-q", "-d", "-f", ours, "-o", t.File("ours.db"));
                Assert.True(data.SequenceEqual(File.ReadAllBytes(t.File("ours.db"))));

                File.WriteAllBytes(t.File("theirs.db"), data);
                Run(zstd, "-q", "-19", "-T2", "-f", t.File("theirs.db"), "-o", t.File("theirs.zst"));
                using (var output = new MemoryStream())
                {
                    var read = Decompress(File.ReadAllBytes(t.File("theirs.zst")), output);
                    Assert.Equal(Sha256(data), read.Sha256);
                }
            }
        }

        private static void Run(string file, params string[] args)
        {
            var info = new ProcessStartInfo(file) { RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args) info.ArgumentList.Add(a);
            using (var p = Process.Start(info))
            {
                var err = p.StandardError.ReadToEnd();
                p.WaitForExit();
                Assert.True(p.ExitCode == 0, $"{file} {string.Join(" ", args)}: exit {p.ExitCode}: {err}");
            }
        }
    }
}
