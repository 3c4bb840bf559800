namespace BqBackup.Codec
{
    /// <summary>
    /// zlib's crc32_combine: the CRC-32 of A followed by B from the CRC-32s of A and B and B's
    /// length, so blocks inflated apart still check against the one CRC in a gzip trailer.
    /// Multiplication modulo the CRC polynomial (reflected), as zlib 1.2.12 and later compute it.
    /// </summary>
    internal static class Crc32Combine
    {
        private const uint Polynomial = 0xedb88320;
        // x^(2^n) modulo the polynomial, for n = 0..31.
        private static readonly uint[] PowersOfTwo = BuildPowers();

        public static uint Combine(uint crcA, uint crcB, long lengthB) =>
            Multiply(PowerOfX(lengthB, 3), crcA) ^ crcB;

        private static uint Multiply(uint a, uint b)
        {
            uint m = 1u << 31, p = 0;
            while (true)
            {
                if ((a & m) != 0)
                {
                    p ^= b;
                    if ((a & (m - 1)) == 0) break;
                }
                m >>= 1;
                b = (b & 1) != 0 ? (b >> 1) ^ Polynomial : b >> 1;
            }
            return p;
        }

        /// <summary>x^(n·2^k) modulo the polynomial.</summary>
        private static uint PowerOfX(long n, int k)
        {
            var p = 1u << 31; // x^0
            while (n != 0)
            {
                if ((n & 1) != 0) p = Multiply(PowersOfTwo[k & 31], p);
                n >>= 1;
                k++;
            }
            return p;
        }

        private static uint[] BuildPowers()
        {
            var table = new uint[32];
            var p = 1u << 30; // x^1
            table[0] = p;
            for (var n = 1; n < 32; n++) table[n] = p = Multiply(p, p);
            return table;
        }
    }
}
