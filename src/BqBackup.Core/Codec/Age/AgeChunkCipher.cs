using System;
using System.Threading;

namespace BqBackup.Codec.Age
{
    /// <summary>
    /// ChaCha20-Poly1305 under one key, one chunk at a time, for age's STREAM payload. Two
    /// maintained implementations sit behind it: the runtime's own (OpenSSL on Linux), five times
    /// BouncyCastle's speed on the same cores, used wherever the runtime has it; and BouncyCastle's,
    /// for runtimes without it (Windows PowerShell 5.1's .NET Framework). Both produce and accept
    /// the same bytes: the testkit and the tamper tests run against each.
    /// </summary>
    internal abstract class AgeChunkCipher : IDisposable
    {
        private static readonly AsyncLocal<AgeCipherBackend?> Forced = new AsyncLocal<AgeCipherBackend?>();

        public abstract AgeCipherBackend Backend { get; }

        /// <summary>Seals <paramref name="count"/> bytes into <paramref name="output"/> (ciphertext, then the 16-byte tag); returns count + 16.</summary>
        public abstract int Seal(byte[] nonce, byte[] input, int offset, int count, byte[] output);

        /// <summary>Opens <paramref name="count"/> bytes (ciphertext and tag) into <paramref name="output"/>; the plaintext length, or -1 with nothing of it left in <paramref name="output"/> when it does not authenticate.</summary>
        public abstract int Open(byte[] nonce, byte[] input, int count, byte[] output);

        /// <summary>Forgets the key (zeroed where the library allows).</summary>
        public abstract void Dispose();

        /// <summary>The runtime's implementation when it has one, BouncyCastle's otherwise. Takes a copy of <paramref name="key"/>; the caller zeroes its own.</summary>
        public static AgeChunkCipher Create(byte[] key)
        {
            var backend = Forced.Value ?? (PlatformChunkCipher.IsAvailable ? AgeCipherBackend.Platform : AgeCipherBackend.BouncyCastle);
            return backend == AgeCipherBackend.Platform
                ? (AgeChunkCipher)new PlatformChunkCipher(key)
                : new BouncyCastleChunkCipher(key);
        }

        /// <summary>How an operator's -Verbose names the implementation.</summary>
        public static string Describe(AgeCipherBackend backend) => backend == AgeCipherBackend.Platform
            ? "the runtime's ChaCha20-Poly1305 (System.Security.Cryptography)"
            : "BouncyCastle's ChaCha20-Poly1305";

        /// <summary>Makes <see cref="Create"/> use <paramref name="backend"/> in this flow until the result is disposed (tests run every vector through each implementation).</summary>
        public static IDisposable Use(AgeCipherBackend backend)
        {
            if (backend == AgeCipherBackend.Platform && !PlatformChunkCipher.IsAvailable)
                throw new PlatformNotSupportedException("This runtime has no ChaCha20-Poly1305 of its own.");
            var before = Forced.Value;
            Forced.Value = backend;
            return new Restore(before);
        }

        private sealed class Restore : IDisposable
        {
            private readonly AgeCipherBackend? before;
            public Restore(AgeCipherBackend? before) { this.before = before; }
            public void Dispose() => Forced.Value = before;
        }
    }
}
