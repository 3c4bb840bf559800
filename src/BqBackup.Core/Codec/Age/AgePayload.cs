using System;

namespace BqBackup.Codec.Age
{
    /// <summary>
    /// age's payload framing: STREAM over ChaCha20-Poly1305 in 64 KiB chunks, nonce = 11-byte
    /// big-endian chunk counter || last-chunk flag. One cipher object and one nonce buffer are
    /// reused for every chunk.
    /// </summary>
    internal sealed class AgePayload
    {
        public const int ChunkSize = 64 * 1024;
        public const int EncryptedChunkSize = ChunkSize + AgePrimitives.TagSize;
        public const int NonceSize = 16;

        private readonly AgeChunkCipher aead;
        private readonly byte[] nonce = new byte[12];

        public AgePayload(byte[] fileKey, byte[] payloadNonce)
        {
            var key = AgePrimitives.Hkdf(fileKey, payloadNonce, "payload");
            try
            {
                aead = AgeChunkCipher.Create(key);
            }
            finally
            {
                AgePrimitives.Zero(key);
            }
        }

        /// <summary>The index of the next chunk.</summary>
        public ulong Counter { get; private set; }

        /// <summary>Which library does the chunks' ChaCha20-Poly1305.</summary>
        public AgeCipherBackend Backend => aead.Backend;

        private byte[] NonceFor(bool last)
        {
            // The counter is 11 bytes; a ulong reaches 2^64 chunks (a zettabyte) long before it wraps.
            if (Counter == ulong.MaxValue) throw new InvalidOperationException("age STREAM chunk counter exhausted.");
            var c = Counter;
            for (var i = 10; i >= 3; i--) { nonce[i] = (byte)c; c >>= 8; }
            nonce[11] = last ? (byte)1 : (byte)0;
            return nonce;
        }

        /// <summary>Encrypts one chunk (<paramref name="count"/> ≤ 64 KiB) into <paramref name="output"/>; returns its length (count + 16).</summary>
        public int Seal(byte[] input, int offset, int count, byte[] output, bool last)
        {
            var n = aead.Seal(NonceFor(last), input, offset, count, output);
            Counter++;
            return n;
        }

        /// <summary>Decrypts and verifies one chunk into <paramref name="output"/>; -1 (output cleared) when it does not authenticate with that flag. The counter moves on only on success.</summary>
        public int Open(byte[] input, int count, byte[] output, bool last)
        {
            var n = aead.Open(NonceFor(last), input, count, output);
            if (n >= 0) Counter++;
            return n;
        }

        /// <summary>Reads until <paramref name="count"/> bytes are in or the stream ends; returns how many were read.</summary>
        public static int ReadFully(System.IO.Stream s, byte[] buffer, int offset, int count)
        {
            var total = 0;
            while (total < count)
            {
                var n = s.Read(buffer, offset + total, count - total);
                if (n == 0) break;
                total += n;
            }
            return total;
        }

        /// <summary>Overwrites the key the cipher holds with zeros.</summary>
        public void Scrub() => aead.Dispose();
    }
}
