using System;
using System.IO;
using System.IO.Compression;
using System.IO.Hashing;
using System.Linq;
using System.Security.Cryptography;
using BqBackup.Codec;
using Xunit;

namespace BqBackup.Tests.Codec
{
    public class ParallelGunzipTests
    {
        private const int BlockSize = 1 << 16;

        private static byte[] Text(int length, int seed)
        {
            var r = new Random(seed);
            return Enumerable.Range(0, length).Select(_ => (byte)(r.Next(6) == 0 ? ' ' : 'a' + r.Next(26))).ToArray();
        }

        private static (byte[] gz, GzipBlockIndex index) Compress(byte[] data)
        {
            using (var m = new MemoryStream())
            {
                GzipBlockIndex index;
                using (var gz = new ParallelGzipStream(m, CompressionLevel.Optimal, default, BlockSize))
                {
                    gz.Write(data, 0, data.Length);
                    gz.Finish();
                    index = gz.Index;
                }
                return (m.ToArray(), index);
            }
        }

        private static CodecResult Decompress(byte[] gz, GzipBlockIndex index, long rawLength, MemoryStream output) =>
            GzipCodec.Decompress(new MemoryStream(gz), gz.Length, output, new OperationContext(), "Test", "b.db.gz", index: index, indexedRawLength: rawLength);

        private static string Sha(byte[] data) => Convert.ToHexString(SHA256.HashData(data)).ToLowerInvariant();

        [Theory]
        [InlineData(0, 0)]
        [InlineData(1, 0)]
        [InlineData(0, 1)]
        [InlineData(1000, 1)]
        [InlineData(12345, 1 << 20)]
        [InlineData(1 << 20, 777)]
        public void Crc32_combine_gives_the_crc_of_the_concatenation(int lengthA, int lengthB)
        {
            var a = Text(lengthA, 1);
            var b = Text(lengthB, 2);
            var combined = Crc32Combine.Combine(Crc32.HashToUInt32(a), Crc32.HashToUInt32(b), b.Length);
            Assert.Equal(Crc32.HashToUInt32(a.Concat(b).ToArray()), combined);
        }

        [Theory]
        [InlineData(0, 0)]
        [InlineData(3, 1)]
        [InlineData(5, 7)]
        [InlineData(1, 8)]
        [InlineData(7, 1000)]
        [InlineData(0, 1 << 20)]
        public void The_sliced_crc32_matches_the_library_one(int offset, int count)
        {
            var data = Text(offset + count + 5, count);
            new Random(count).NextBytes(data);
            Assert.Equal(Crc32.HashToUInt32(new ReadOnlySpan<byte>(data, offset, count)), FastCrc32.Compute(data, offset, count));
            var half = count / 2;
            Assert.Equal(Crc32.HashToUInt32(new ReadOnlySpan<byte>(data, offset, count)),
                FastCrc32.Append(FastCrc32.Compute(data, offset, half), data, offset + half, count - half));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(BlockSize)]
        [InlineData(BlockSize + 1)]
        [InlineData(5 * BlockSize)]
        [InlineData(7 * BlockSize - 3)]
        public void Inflates_block_by_block_what_the_parallel_gzip_wrote_and_records_where_each_block_starts(int length)
        {
            var data = Text(length, length);
            var (gz, index) = Compress(data);
            Assert.Equal((length + BlockSize - 1) / BlockSize, index.Count);
            Assert.Equal(gz.Length, GzipBlockIndex.HeaderLength + index.CompressedLengths.Sum() + 8);
            var output = new MemoryStream();
            var result = Decompress(gz, index, length, output);
            Assert.True(result.InflatedInParallel);
            Assert.True(data.SequenceEqual(output.ToArray()));
            Assert.Equal(Sha(data), result.Sha256);
            Assert.Equal(length, result.RawBytes);
            Assert.Equal(gz.Length, result.EncodedBytes);
        }

        [Fact]
        public void The_index_survives_its_sidecar_encoding_and_junk_decodes_to_none()
        {
            var (_, index) = Compress(Text(5 * BlockSize + 9, 3));
            var decoded = GzipBlockIndex.TryDecode(index.BlockSize, index.EncodeLengths());
            Assert.Equal(index.CompressedLengths, decoded.CompressedLengths);
            Assert.Equal(BlockSize, decoded.BlockSize);
            Assert.Null(GzipBlockIndex.TryDecode(BlockSize, "not base64!"));
            Assert.Null(GzipBlockIndex.TryDecode(BlockSize, ""));
            Assert.Null(GzipBlockIndex.TryDecode(100, index.EncodeLengths()));                       // block size out of range
            Assert.Null(GzipBlockIndex.TryDecode(64L << 20, index.EncodeLengths()));                 // a block size that would make a restore hold gigabytes
            Assert.Null(GzipBlockIndex.TryDecode(BlockSize, Convert.ToBase64String(new byte[] { 0x80 }))); // a varint cut short
            Assert.Null(GzipBlockIndex.TryDecode(BlockSize, Convert.ToBase64String(new byte[] { 0xff, 0xff, 0xff, 0x0f }))); // a block longer than deflate makes
            Assert.Null(GzipBlockIndex.TryDecode(BlockSize, Convert.ToBase64String(new byte[] { 0 })));    // an empty block
        }

        [Fact]
        public void A_corrupted_block_is_a_mismatch_in_parallel_and_BackupCorrupt_as_one_stream()
        {
            var data = Text(4 * BlockSize + 100, 4);
            var (gz, index) = Compress(data);
            // Damage the middle of the third block.
            var third = GzipBlockIndex.HeaderLength + index.CompressedLengths[0] + index.CompressedLengths[1] + index.CompressedLengths[2] / 2;
            for (var i = third; i < third + 32; i++) gz[i] ^= 0x5a;
            Assert.Throws<BlockIndexMismatchException>(() => Decompress(gz, index, data.Length, new MemoryStream()));
            var e = Assert.ThrowsAny<Exception>(() => Decompress(gz, null, -1, new MemoryStream()));
            // One stream: gzip's own CRC (or the deflate data) gives the verdict.
            Assert.Equal(ErrorIds.BackupCorrupt, Assert.IsType<BqBackupException>(e).ErrorId);
        }

        [Theory]
        [InlineData(1, 1)]
        [InlineData(1, -1)]
        [InlineData(0, 7)]
        [InlineData(3, -2)]
        public void A_wrong_offset_in_the_index_is_a_mismatch_never_wrong_bytes(int block, int shift)
        {
            var data = Text(5 * BlockSize + 1234, 5);
            var (gz, index) = Compress(data);
            var lengths = index.CompressedLengths.ToArray();
            // Move one boundary: the total stays right, so only the blocks can tell.
            lengths[block] += shift;
            lengths[block + 1] -= shift;
            var wrong = GzipBlockIndex.TryDecode(BlockSize, new GzipBlockIndex(BlockSize, lengths).EncodeLengths());
            Assert.Throws<BlockIndexMismatchException>(() => Decompress(gz, wrong, data.Length, new MemoryStream()));
        }

        [Fact]
        public void An_index_that_cannot_describe_the_size_data_after_the_trailer_or_a_cut_body_is_a_mismatch()
        {
            var data = Text(3 * BlockSize + 5, 6);
            var (gz, index) = Compress(data);
            Assert.Throws<BlockIndexMismatchException>(() => Decompress(gz, index, 5 * BlockSize, new MemoryStream()));
            Assert.Throws<BlockIndexMismatchException>(() => Decompress(gz.Concat(new byte[] { 1, 2, 3 }).ToArray(), index, data.Length, new MemoryStream()));
            Assert.Throws<BlockIndexMismatchException>(() => Decompress(gz.Take(gz.Length - 4).ToArray(), index, data.Length, new MemoryStream()));
            Assert.Throws<BlockIndexMismatchException>(() => Decompress(gz.Take(gz.Length / 2).ToArray(), index, data.Length, new MemoryStream()));
        }

        [Fact]
        public void A_gzip_header_with_optional_fields_is_inflated_as_one_stream_without_its_index()
        {
            var data = Text(2 * BlockSize + 5, 7);
            var (_, index) = Compress(data);
            byte[] stock;
            using (var m = new MemoryStream())
            {
                // A gzip with a file name (FNAME): the blocks do not start at byte 10.
                var (ours, _) = Compress(data);
                m.Write(new byte[] { 0x1f, 0x8b, 8, 0x08, 0, 0, 0, 0, 0, 0xff }, 0, 10);
                m.Write(new byte[] { (byte)'q', 0 }, 0, 2);
                m.Write(ours, 10, ours.Length - 10);
                stock = m.ToArray();
            }
            var output = new MemoryStream();
            var result = Decompress(stock, index, data.Length, output);
            Assert.False(result.InflatedInParallel);
            Assert.True(data.SequenceEqual(output.ToArray()));
        }
    }
}
