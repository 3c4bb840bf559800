using System;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace BqBackup.Codec.Age
{
    /// <summary>
    /// The age format's uses of BouncyCastle's primitives (HKDF-SHA-256, HMAC-SHA-256,
    /// ChaCha20-Poly1305, scrypt, X25519 elsewhere). Nothing cryptographic is implemented here:
    /// these are the format's compositions, with its labels and sizes.
    /// </summary>
    internal static class AgePrimitives
    {
        public const int FileKeySize = 16;
        public const int TagSize = 16;
        public const int WrappedFileKeySize = FileKeySize + TagSize;

        private static readonly RandomNumberGenerator Rng = RandomNumberGenerator.Create();
        private static readonly byte[] ZeroNonce = new byte[12];

        public static byte[] RandomBytes(int count)
        {
            var b = new byte[count];
            lock (Rng) Rng.GetBytes(b);
            return b;
        }

        /// <summary>HKDF-SHA-256 (RFC 5869), 32 bytes out.</summary>
        public static byte[] Hkdf(byte[] ikm, byte[] salt, string info)
        {
            var hkdf = new HkdfBytesGenerator(new Sha256Digest());
            hkdf.Init(new HkdfParameters(ikm, salt, Encoding.ASCII.GetBytes(info)));
            var okm = new byte[32];
            hkdf.GenerateBytes(okm, 0, okm.Length);
            return okm;
        }

        public static byte[] HmacSha256(byte[] key, byte[] data, int offset, int count)
        {
            var hmac = new HMac(new Sha256Digest());
            hmac.Init(new KeyParameter(key));
            hmac.BlockUpdate(data, offset, count);
            var mac = new byte[hmac.GetMacSize()];
            hmac.DoFinal(mac, 0);
            return mac;
        }

        /// <summary>scrypt (RFC 7914) with age's r = 8, p = 1, 32 bytes out.</summary>
        public static byte[] Scrypt(byte[] passphrase, byte[] salt, int logN) =>
            SCrypt.Generate(passphrase, salt, 1 << logN, 8, 1, 32);

        /// <summary>ChaCha20-Poly1305 with the all-zero nonce age uses to wrap a file key under a single-use key.</summary>
        public static byte[] WrapFileKey(byte[] wrapKey, byte[] fileKey)
        {
            var aead = new ChaCha20Poly1305();
            aead.Init(true, new ParametersWithIV(new KeyParameter(wrapKey), ZeroNonce));
            var body = new byte[fileKey.Length + TagSize];
            var n = aead.ProcessBytes(fileKey, 0, fileKey.Length, body, 0);
            aead.DoFinal(body, n);
            return body;
        }

        /// <summary>The file key, or null when the body does not authenticate under <paramref name="wrapKey"/> (another recipient's stanza).</summary>
        public static byte[] UnwrapFileKey(byte[] wrapKey, byte[] body)
        {
            var aead = new ChaCha20Poly1305();
            aead.Init(false, new ParametersWithIV(new KeyParameter(wrapKey), ZeroNonce));
            var fileKey = new byte[body.Length - TagSize];
            try
            {
                var n = aead.ProcessBytes(body, 0, body.Length, fileKey, 0);
                aead.DoFinal(fileKey, n);
                return fileKey;
            }
            catch (InvalidCipherTextException)
            {
                Zero(fileKey);
                return null;
            }
        }

        public static bool FixedTimeEquals(byte[] a, byte[] b)
        {
            if (a.Length != b.Length) return false;
            var diff = 0;
            for (var i = 0; i < a.Length; i++) diff |= a[i] ^ b[i];
            return diff == 0;
        }

        public static void Zero(byte[] b)
        {
            if (b != null) Array.Clear(b, 0, b.Length);
        }
    }
}
