using System;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

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

        private readonly ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        private readonly byte[] nonce = new byte[12];
        private readonly bool encrypting;
        private bool keyed;
        private byte[] key;

        public AgePayload(byte[] fileKey, byte[] payloadNonce, bool encrypting)
        {
            key = AgePrimitives.Hkdf(fileKey, payloadNonce, "payload");
            this.encrypting = encrypting;
        }

        /// <summary>The index of the next chunk.</summary>
        public ulong Counter { get; private set; }

        private void Init(bool forEncryption, bool last)
        {
            // The counter is 11 bytes; a ulong reaches 2^64 chunks (a zettabyte) long before it wraps.
            if (Counter == ulong.MaxValue) throw new InvalidOperationException("age STREAM chunk counter exhausted.");
            var c = Counter;
            for (var i = 10; i >= 3; i--) { nonce[i] = (byte)c; c >>= 8; }
            nonce[11] = last ? (byte)1 : (byte)0;
            if (!keyed)
            {
                aead.Init(forEncryption, new ParametersWithIV(new KeyParameter(key), nonce));
                AgePrimitives.Zero(key);
                key = null;
                keyed = true;
            }
            else
            {
                // A null key re-uses the one the cipher already holds.
                aead.Init(forEncryption, new ParametersWithIV(null, nonce));
            }
        }

        /// <summary>Encrypts one chunk (<paramref name="count"/> ≤ 64 KiB) into <paramref name="output"/>; returns its length (count + 16).</summary>
        public int Seal(byte[] input, int offset, int count, byte[] output, bool last)
        {
            Init(true, last);
            var n = aead.ProcessBytes(input, offset, count, output, 0);
            n += aead.DoFinal(output, n);
            Counter++;
            return n;
        }

        /// <summary>Decrypts and verifies one chunk into <paramref name="output"/>; -1 (output cleared) when it does not authenticate with that flag. The counter moves on only on success.</summary>
        public int Open(byte[] input, int count, byte[] output, bool last)
        {
            Init(false, last);
            try
            {
                var n = aead.ProcessBytes(input, 0, count, output, 0);
                n += aead.DoFinal(output, n);
                Counter++;
                return n;
            }
            catch (Org.BouncyCastle.Crypto.InvalidCipherTextException)
            {
                Array.Clear(output, 0, Math.Min(output.Length, count));
                return -1;
            }
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
        public void Scrub()
        {
            AgePrimitives.Zero(key);
            try
            {
                var zero = new byte[32];
                nonce[0] = 0xff; // a nonce no chunk uses, so the reuse check never trips
                aead.Init(encrypting, new ParametersWithIV(new KeyParameter(zero), nonce));
            }
            catch (ArgumentException)
            {
            }
        }
    }
}
