using System;
using System.Linq;
using BqBackup.Codec.Age;
using Xunit;
using static BqBackup.Tests.Codec.Age.AgeTestSupport;

namespace BqBackup.Tests.Codec.Age
{
    /// <summary>
    /// The two ChaCha20-Poly1305 implementations behind age's payload: the runtime's is the one
    /// used here, and each seals exactly the other's bytes and opens what the other sealed.
    /// </summary>
    public sealed class AgeChunkCipherTests
    {
        private const int Chunk = 64 * 1024;
        private static readonly int[] Sizes = { 0, 1, 15, 16, 17, 1000, Chunk - 1, Chunk };

        private static byte[] Nonce(int counter, bool last)
        {
            var n = new byte[12];
            n[10] = (byte)counter;
            n[9] = (byte)(counter >> 8);
            n[11] = last ? (byte)1 : (byte)0;
            return n;
        }

        private static AgeChunkCipher Make(AgeCipherBackend backend, byte[] key)
        {
            using (AgeChunkCipher.Use(backend)) return AgeChunkCipher.Create(key);
        }

        [Fact]
        public void TheRuntimesCipherIsUsedWhereTheRuntimeHasOne()
        {
            // This suite runs on .NET 10 on Linux, as pwsh 7 does: the fast path must be the one taken.
            Assert.True(System.Security.Cryptography.ChaCha20Poly1305.IsSupported);
            Assert.True(PlatformChunkCipher.IsAvailable);
            using (var c = AgeChunkCipher.Create(RandomBytes(32, 1))) Assert.Equal(AgeCipherBackend.Platform, c.Backend);

            using (var id = AgeX25519Identity.Generate())
            {
                var file = Encrypt(RandomBytes(100, 2), id.Recipient);
                using (var age = new AgeDecryptingStream(new System.IO.MemoryStream(file), new[] { id }))
                    Assert.Equal(AgeCipherBackend.Platform, age.CipherBackend);
                using (AgeChunkCipher.Use(AgeCipherBackend.BouncyCastle))
                using (var age = new AgeDecryptingStream(new System.IO.MemoryStream(file), new[] { id }))
                    Assert.Equal(AgeCipherBackend.BouncyCastle, age.CipherBackend);
                // Use() lasts until it is disposed, and no longer.
                using (var age = new AgeDecryptingStream(new System.IO.MemoryStream(file), new[] { id }))
                    Assert.Equal(AgeCipherBackend.Platform, age.CipherBackend);
            }
        }

        [Fact]
        public void BothSealTheSameBytesAndOpenEachOthers()
        {
            var key = RandomBytes(32, 3);
            using (var platform = Make(AgeCipherBackend.Platform, key))
            using (var bc = Make(AgeCipherBackend.BouncyCastle, key))
            {
                var counter = 0;
                foreach (var size in Sizes)
                foreach (var last in new[] { false, true })
                {
                    counter++;
                    var plain = RandomBytes(size + 7, size);
                    var a = new byte[size + 16];
                    var b = new byte[size + 16];
                    // From an offset in the caller's buffer, as the encrypting stream seals straight from it.
                    Assert.Equal(size + 16, platform.Seal(Nonce(counter, last), plain, 7, size, a));
                    Assert.Equal(size + 16, bc.Seal(Nonce(counter, last), plain, 7, size, b));
                    Assert.True(a.SequenceEqual(b), $"{size} bytes (last: {last}): the implementations sealed different bytes");
                    Assert.False(size > 16 && a.Take(size).SequenceEqual(plain.Skip(7).Take(size)), "sealing left the plaintext as it was");

                    var outP = new byte[Chunk];
                    var outB = new byte[Chunk];
                    Assert.Equal(size, platform.Open(Nonce(counter, last), b, b.Length, outP));
                    Assert.Equal(size, bc.Open(Nonce(counter, last), a, a.Length, outB));
                    Assert.True(outP.Take(size).SequenceEqual(plain.Skip(7).Take(size)));
                    Assert.True(outB.Take(size).SequenceEqual(plain.Skip(7).Take(size)));
                }
            }
        }

        [Theory, AgeBackends]
        public void WhatDoesNotAuthenticateIsRefusedAndNoPlaintextIsLeft(AgeCipherBackend backend)
        {
            var key = RandomBytes(32, 4);
            using (var c = Make(backend, key))
            {
                var plain = RandomBytes(Chunk, 5);
                var sealedChunk = new byte[Chunk + 16];
                c.Seal(Nonce(9, false), plain, 0, Chunk, sealedChunk);

                void Refused(byte[] nonce, byte[] input, int count, string what)
                {
                    var output = Enumerable.Repeat((byte)0xAA, Chunk).ToArray();
                    Assert.True(c.Open(nonce, input, count, output) == -1, what + " was accepted");
                    Assert.True(output.All(x => x == 0 || x == 0xAA), what + ": plaintext was left in the output");
                }

                var flipped = (byte[])sealedChunk.Clone();
                flipped[100] ^= 1;
                Refused(Nonce(9, false), flipped, flipped.Length, "a flipped ciphertext byte");
                var badTag = (byte[])sealedChunk.Clone();
                badTag[Chunk + 15] ^= 0x80;
                Refused(Nonce(9, false), badTag, badTag.Length, "a flipped tag byte");
                Refused(Nonce(9, true), sealedChunk, sealedChunk.Length, "the final-chunk flag set on a non-final chunk");
                Refused(Nonce(10, false), sealedChunk, sealedChunk.Length, "another chunk's counter");
                Refused(Nonce(9, false), sealedChunk, sealedChunk.Length - 1, "a chunk one byte short");
                Refused(Nonce(9, false), sealedChunk, 15, "fewer bytes than a tag");

                // Failures leave the cipher usable: the genuine chunk still opens.
                var output2 = new byte[Chunk];
                Assert.Equal(Chunk, c.Open(Nonce(9, false), sealedChunk, sealedChunk.Length, output2));
                Assert.Equal(plain, output2);
            }
        }

        [Theory, AgeBackends]
        public void TheCipherKeepsItsOwnCopyOfTheKey(AgeCipherBackend backend)
        {
            // AgePayload zeroes the derived key right after Create: the cipher must not share it.
            var key = RandomBytes(32, 6);
            var plain = RandomBytes(500, 7);
            var expected = new byte[516];
            using (var reference = Make(backend, key)) reference.Seal(Nonce(1, true), plain, 0, plain.Length, expected);

            var doomed = (byte[])key.Clone();
            using (var c = Make(backend, doomed))
            {
                Array.Clear(doomed, 0, doomed.Length);
                var actual = new byte[516];
                c.Seal(Nonce(1, true), plain, 0, plain.Length, actual);
                Assert.Equal(expected, actual);
            }
        }

        [Theory]
        [InlineData(AgeCipherBackend.Platform, AgeCipherBackend.BouncyCastle)]
        [InlineData(AgeCipherBackend.BouncyCastle, AgeCipherBackend.Platform)]
        public void AFileSealedByOneOpensWithTheOther(AgeCipherBackend sealer, AgeCipherBackend opener)
        {
            using (var id = AgeX25519Identity.Generate())
            {
                foreach (var size in new[] { 0, 1, Chunk, Chunk + 1, 3 * Chunk + 5 })
                {
                    var plain = RandomBytes(size, size + 11);
                    byte[] file;
                    using (AgeChunkCipher.Use(sealer)) file = Encrypt(plain, id.Recipient);
                    using (AgeChunkCipher.Use(opener)) Assert.Equal(plain, Decrypt(file, id));
                }
            }
        }
    }
}
