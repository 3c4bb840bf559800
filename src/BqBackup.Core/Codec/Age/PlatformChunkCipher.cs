using System;
using System.Reflection;
using System.Security.Cryptography;

namespace BqBackup.Codec.Age
{
    /// <summary>
    /// The runtime's System.Security.Cryptography.ChaCha20Poly1305 (.NET 5 and later; OpenSSL on
    /// Linux). The engine targets netstandard2.0, which does not declare the type, so it is found
    /// by name and called through delegates bound once per key: no per-chunk reflection. Its
    /// array overloads want the ciphertext and the tag in arrays of their own, exactly sized, so a
    /// full chunk is copied once each way (64 KiB memcpy, a few microseconds).
    /// </summary>
    internal sealed class PlatformChunkCipher : AgeChunkCipher
    {
        // Encrypt(nonce, plaintext, ciphertext, tag, associatedData) and
        // Decrypt(nonce, ciphertext, tag, plaintext, associatedData): five byte[] each.
        private delegate void Crypt(byte[] nonce, byte[] second, byte[] third, byte[] fourth, byte[] associatedData);

        private static readonly Type CipherType = FindCipherType();

        private readonly IDisposable instance;
        private readonly Crypt encrypt;
        private readonly Crypt decrypt;
        private readonly byte[] tag = new byte[AgePrimitives.TagSize];
        private byte[] fullSource = new byte[AgePayload.ChunkSize];
        private byte[] fullDestination = new byte[AgePayload.ChunkSize];

        public PlatformChunkCipher(byte[] key)
        {
            if (CipherType == null) throw new PlatformNotSupportedException("This runtime has no ChaCha20-Poly1305 of its own.");
            instance = (IDisposable)Activator.CreateInstance(CipherType, new object[] { key });
            encrypt = Bind(instance, "Encrypt");
            decrypt = Bind(instance, "Decrypt");
        }

        /// <summary>True when the runtime has the type and it works here (OpenSSL with ChaCha20-Poly1305).</summary>
        public static bool IsAvailable => CipherType != null;

        public override AgeCipherBackend Backend => AgeCipherBackend.Platform;

        public override int Seal(byte[] nonce, byte[] input, int offset, int count, byte[] output)
        {
            var source = count == AgePayload.ChunkSize ? fullSource : new byte[count];
            var destination = count == AgePayload.ChunkSize ? fullDestination : new byte[count];
            Buffer.BlockCopy(input, offset, source, 0, count);
            try
            {
                encrypt(nonce, source, destination, tag, null);
                Buffer.BlockCopy(destination, 0, output, 0, count);
                Buffer.BlockCopy(tag, 0, output, count, tag.Length);
                return count + tag.Length;
            }
            finally
            {
                // The plaintext copy must not outlive the call.
                Array.Clear(source, 0, count);
            }
        }

        public override int Open(byte[] nonce, byte[] input, int count, byte[] output)
        {
            var length = count - tag.Length;
            if (length < 0) return -1;
            var source = length == AgePayload.ChunkSize ? fullSource : new byte[length];
            var destination = length == AgePayload.ChunkSize ? fullDestination : new byte[length];
            Buffer.BlockCopy(input, 0, source, 0, length);
            Buffer.BlockCopy(input, length, tag, 0, tag.Length);
            try
            {
                decrypt(nonce, source, tag, destination, null);
            }
            catch (CryptographicException)
            {
                // The runtime clears its output on a tag mismatch; ours was never written.
                Array.Clear(output, 0, Math.Min(output.Length, count));
                return -1;
            }
            Buffer.BlockCopy(destination, 0, output, 0, length);
            Array.Clear(destination, 0, length);
            return length;
        }

        public override void Dispose()
        {
            // The runtime zeroes and frees its copy of the key.
            instance?.Dispose();
            if (fullSource != null) Array.Clear(fullSource, 0, fullSource.Length);
            if (fullDestination != null) Array.Clear(fullDestination, 0, fullDestination.Length);
            Array.Clear(tag, 0, tag.Length);
            fullSource = fullDestination = null;
        }

        private static Crypt Bind(object target, string name)
        {
            var arrays = new[] { typeof(byte[]), typeof(byte[]), typeof(byte[]), typeof(byte[]), typeof(byte[]) };
            var method = target.GetType().GetMethod(name, BindingFlags.Public | BindingFlags.Instance, null, arrays, null)
                ?? throw new PlatformNotSupportedException($"ChaCha20Poly1305.{name}(byte[]×5) is missing on this runtime.");
            return (Crypt)Delegate.CreateDelegate(typeof(Crypt), target, method);
        }

        private static Type FindCipherType()
        {
            try
            {
                // Where the runtime keeps AesGcm and ChaCha20Poly1305: System.Security.Cryptography
                // (.NET 7 and later) or System.Security.Cryptography.Algorithms (.NET 5 and 6), the
                // assembly netstandard's Aes forwards to.
                var type = typeof(Aes).Assembly.GetType("System.Security.Cryptography.ChaCha20Poly1305", throwOnError: false)
                    ?? Type.GetType("System.Security.Cryptography.ChaCha20Poly1305, System.Security.Cryptography", throwOnError: false);
                if (type == null) return null;
                var supported = type.GetProperty("IsSupported", BindingFlags.Public | BindingFlags.Static);
                if (supported != null && !(bool)supported.GetValue(null)) return null;
                // Prove it here, once: a runtime may declare the type yet lack the cipher.
                using ((IDisposable)Activator.CreateInstance(type, new object[] { new byte[32] })) { }
                return type;
            }
            catch (Exception)
            {
                // Any failure to find or make it (no type, no OpenSSL cipher, an assembly that will
                // not load) means BouncyCastle's: a probe in a type initializer must never throw.
                return null;
            }
        }
    }
}
