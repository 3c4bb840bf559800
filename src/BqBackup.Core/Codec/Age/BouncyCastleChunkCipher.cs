using System;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace BqBackup.Codec.Age
{
    /// <summary>BouncyCastle's ChaCha20-Poly1305, one cipher object re-keyed only once.</summary>
    internal sealed class BouncyCastleChunkCipher : AgeChunkCipher
    {
        private readonly ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        private byte[] key;
        private bool keyed;
        private bool? lastDirection;

        public BouncyCastleChunkCipher(byte[] key)
        {
            this.key = (byte[])key.Clone();
        }

        public override AgeCipherBackend Backend => AgeCipherBackend.BouncyCastle;

        private void Init(bool forEncryption, byte[] nonce)
        {
            if (key == null && !keyed) throw new ObjectDisposedException(nameof(BouncyCastleChunkCipher));
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
            lastDirection = forEncryption;
        }

        public override int Seal(byte[] nonce, byte[] input, int offset, int count, byte[] output)
        {
            Init(true, nonce);
            var n = aead.ProcessBytes(input, offset, count, output, 0);
            return n + aead.DoFinal(output, n);
        }

        public override int Open(byte[] nonce, byte[] input, int count, byte[] output)
        {
            Init(false, nonce);
            try
            {
                var n = aead.ProcessBytes(input, 0, count, output, 0);
                return n + aead.DoFinal(output, n);
            }
            catch (InvalidCipherTextException)
            {
                Array.Clear(output, 0, Math.Min(output.Length, count));
                return -1;
            }
        }

        public override void Dispose()
        {
            AgePrimitives.Zero(key);
            key = null;
            if (!keyed) return;
            try
            {
                // Re-key with zeros under a nonce no chunk uses, so the nonce-reuse check never trips.
                var nonce = new byte[12];
                nonce[0] = 0xff;
                aead.Init(lastDirection ?? false, new ParametersWithIV(new KeyParameter(new byte[32]), nonce));
            }
            catch (ArgumentException)
            {
            }
        }
    }
}
