using System;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using BqBackup.Codec;
using Xunit;

namespace BqBackup.Tests.Codec
{
    public class ParallelGzipTests
    {
        private static byte[] Compress(byte[] data, int blockSize, int writeSize = 65536)
        {
            using (var m = new MemoryStream())
            {
                using (var gz = new ParallelGzipStream(m, CompressionLevel.Optimal, default, blockSize))
                {
                    for (var o = 0; o < data.Length; o += writeSize) gz.Write(data, o, Math.Min(writeSize, data.Length - o));
                    gz.Finish();
                }
                return m.ToArray();
            }
        }

        private static byte[] Text(int length, int seed)
        {
            var r = new Random(seed);
            return Enumerable.Range(0, length).Select(_ => (byte)(r.Next(6) == 0 ? ' ' : 'a' + r.Next(26))).ToArray();
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(4096)]
        [InlineData(4096 * 3)]
        [InlineData(4096 * 3 + 17)]
        [InlineData(1_000_003)]
        public void Round_trips_through_the_framework_reader_at_any_length(int length)
        {
            var data = Text(length, length);
            var gz = Compress(data, blockSize: 4096, writeSize: 1000);
            using (var r = new GZipStream(new MemoryStream(gz), CompressionMode.Decompress))
            using (var m = new MemoryStream())
            {
                r.CopyTo(m);
                Assert.True(data.SequenceEqual(m.ToArray()));
            }
        }

        [Fact]
        public void Is_one_gzip_member_that_gunzip_reads_and_tests()
        {
            using (var temp = new TempDir())
            {
                var data = Text(3_000_000, 5);
                var path = temp.File("x.gz");
                File.WriteAllBytes(path, Compress(data, blockSize: 1 << 18));
                // One member: exactly one gzip magic at the start, one trailer at the end.
                var bytes = File.ReadAllBytes(path);
                Assert.Equal(new byte[] { 0x1f, 0x8b, 8 }, bytes.Take(3));
                Assert.Equal((uint)data.Length, BitConverter.ToUInt32(bytes, bytes.Length - 4));
                using (var p = Process.Start(new ProcessStartInfo("gzip", $"-t -v {path}") { RedirectStandardError = true }))
                {
                    var err = p.StandardError.ReadToEnd();
                    p.WaitForExit();
                    Assert.True(p.ExitCode == 0, err);
                }
                using (var p = Process.Start(new ProcessStartInfo("gzip", $"-d -k {path}")))
                    p.WaitForExit();
                Assert.True(data.SequenceEqual(File.ReadAllBytes(temp.File("x"))));
            }
        }

        [Fact]
        public void Compresses_about_as_well_as_a_single_stream()
        {
            var data = Text(4_000_000, 9);
            var parallel = Compress(data, ParallelGzipStream.DefaultBlockSize).Length;
            using (var m = new MemoryStream())
            {
                using (var g = new GZipStream(m, CompressionLevel.Optimal, leaveOpen: true)) g.Write(data, 0, data.Length);
                Assert.InRange(parallel, 1, m.Length * 1.02);
            }
        }
    }
}
