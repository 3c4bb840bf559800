using System;

namespace BqBackup.Codec
{
    /// <summary>
    /// CRC-32 (gzip's, reflected 0xEDB88320) by slicing-by-8: eight table lookups per 8 bytes. The
    /// System.IO.Hashing build this netstandard2.0 assembly ships with reads a byte at a time
    /// (its vectorized code is only in its net8+ builds), about 4 times slower, which on a
    /// restore's CPU budget costs more than the integrity_check it saves.
    /// </summary>
    internal static class FastCrc32
    {
        private static readonly uint[] Table = Build();

        /// <summary>The CRC-32 of <paramref name="count"/> bytes of <paramref name="data"/> from <paramref name="offset"/>.</summary>
        public static uint Compute(byte[] data, int offset, int count) => Append(0, data, offset, count);

        /// <summary>The CRC-32 of what <paramref name="crc"/> covered followed by the bytes given.</summary>
        public static uint Append(uint crc, byte[] data, int offset, int count)
        {
            var c = ~crc;
            var t = Table;
            var i = offset;
            var end = offset + count;
            while (end - i >= 8)
            {
                var one = c ^ (uint)(data[i] | data[i + 1] << 8 | data[i + 2] << 16 | data[i + 3] << 24);
                var two = (uint)(data[i + 4] | data[i + 5] << 8 | data[i + 6] << 16 | data[i + 7] << 24);
                c = t[7 * 256 + (one & 0xff)] ^ t[6 * 256 + ((one >> 8) & 0xff)] ^ t[5 * 256 + ((one >> 16) & 0xff)] ^ t[4 * 256 + (one >> 24)]
                  ^ t[3 * 256 + (two & 0xff)] ^ t[2 * 256 + ((two >> 8) & 0xff)] ^ t[256 + ((two >> 16) & 0xff)] ^ t[two >> 24];
                i += 8;
            }
            while (i < end) c = t[(c ^ data[i++]) & 0xff] ^ (c >> 8);
            return ~c;
        }

        private static uint[] Build()
        {
            var table = new uint[8 * 256];
            for (uint n = 0; n < 256; n++)
            {
                var c = n;
                for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xedb88320 ^ (c >> 1) : c >> 1;
                table[n] = c;
            }
            for (var n = 0; n < 256; n++)
                for (var s = 1; s < 8; s++)
                    table[s * 256 + n] = table[(s - 1) * 256 + n] >> 8 ^ table[table[(s - 1) * 256 + n] & 0xff];
            return table;
        }
    }
}
