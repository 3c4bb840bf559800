using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using BqBackup.Codec.Age;
using Xunit;
using static BqBackup.Tests.Codec.Age.AgeTestSupport;

namespace BqBackup.Tests.Codec.Age
{
    /// <summary>Every way a stored file can be wrong, each with its error id, and never a byte of a bad chunk released.</summary>
    public sealed class AgeTamperTests : IDisposable
    {
        private const int Chunk = 64 * 1024;
        private const int Sealed = Chunk + 16;
        private readonly AgeX25519Identity id = AgeX25519Identity.Generate();
        private readonly byte[] plain = RandomBytes(3 * Chunk + 1000, 42);
        private readonly byte[] file;
        private readonly int headerLength;   // header text only
        private int PayloadStart => headerLength + 16;

        public AgeTamperTests()
        {
            file = Encrypt(plain, id.Recipient);
            var s = new MemoryStream(file);
            AgeHeader.Read(s);
            headerLength = (int)s.Position;
            Assert.Equal(PayloadStart + 3 * Sealed + 1016, file.Length);
        }

        public void Dispose() => id.Dispose();

        private string Outcome(byte[] f, out byte[] released, params AgeIdentity[] ids) =>
            TryDecrypt(f, ids.Length == 0 ? new[] { id } : ids, out released);

        private void AssertReleasedPrefix(byte[] released, int chunks)
        {
            Assert.Equal(chunks * Chunk, released.Length);
            Assert.True(plain.AsSpan(0, released.Length).SequenceEqual(released), "the released bytes are not the plaintext's prefix");
        }

        [Theory, AgeBackends]
        public void WrongKeyAndAnotherRecipientsFileAreNoMatch(AgeCipherBackend backend)
        {
            using var cipher = AgeChunkCipher.Use(backend);
            using (var other = AgeX25519Identity.Generate())
            {
                Assert.Equal(ErrorIds.AgeNoMatchingIdentity, Outcome(file, out _, other));
                var e = Assert.Throws<BqBackupException>(() => Decrypt(file, other));
                Assert.Contains("1 X25519 stanza", e.Message);
                Assert.Equal(BqErrorCategory.AuthenticationError, e.Category);
                // A file made for someone else, opened with our key.
                var theirs = Encrypt(plain, other.Recipient);
                Assert.Equal(ErrorIds.AgeNoMatchingIdentity, Outcome(theirs, out _));
                // A passphrase identity finds no scrypt stanza in an X25519 file.
                using (var pw = new AgeScryptIdentity("x"))
                    Assert.Equal(ErrorIds.AgeNoMatchingIdentity, Outcome(file, out _, pw));
            }
        }

        [Theory, AgeBackends]
        public void TruncationAtEveryKindOfOffset(AgeCipherBackend backend)
        {
            using var cipher = AgeChunkCipher.Use(backend);
            var cases = new (int length, string id, int releasedChunks)[]
            {
                (0, ErrorIds.AgeHeaderInvalid, 0),
                (10, ErrorIds.AgeHeaderInvalid, 0),                      // inside the version line
                (headerLength - 5, ErrorIds.AgeHeaderInvalid, 0),        // inside the MAC line
                (headerLength, ErrorIds.AgeBodyTruncated, 0),            // no nonce
                (headerLength + 7, ErrorIds.AgeBodyTruncated, 0),        // half a nonce
                (PayloadStart, ErrorIds.AgeBodyTruncated, 0),            // no chunk
                (PayloadStart + 9, ErrorIds.AgeBodyTruncated, 0),        // less than a tag
                (PayloadStart + 5000, ErrorIds.AgeBodyTampered, 0),      // cut inside chunk 0
                (PayloadStart + Sealed, ErrorIds.AgeBodyTruncated, 1),   // after chunk 0, a non-final chunk
                (PayloadStart + 2 * Sealed, ErrorIds.AgeBodyTruncated, 2),
                (PayloadStart + 2 * Sealed + 3, ErrorIds.AgeBodyTruncated, 2),
                (PayloadStart + 3 * Sealed + 500, ErrorIds.AgeBodyTampered, 3), // cut inside the last chunk
                (file.Length - 1, ErrorIds.AgeBodyTampered, 3),
            };
            foreach (var (length, expected, chunks) in cases)
            {
                var got = Outcome(file.Take(length).ToArray(), out var released);
                Assert.True(expected == got, $"cut at {length}: expected {expected}, got {got ?? "success"}");
                AssertReleasedPrefix(released, chunks);
            }
        }

        [Theory, AgeBackends]
        public void FlippedByteInTheHeader(AgeCipherBackend backend)
        {
            using var cipher = AgeChunkCipher.Use(backend);
            var text = Encoding.ASCII.GetString(file, 0, headerLength);
            var lines = text.Split('\n');
            // The version line.
            Assert.Equal(ErrorIds.AgeHeaderInvalid, Outcome(Flip(file, 3, 'X'), out _));
            // The share in the stanza's arguments, and its body: the key no longer unwraps.
            var share = text.IndexOf("X25519 ", StringComparison.Ordinal) + 7 + 10;
            Assert.Equal(ErrorIds.AgeNoMatchingIdentity, Outcome(Flip(file, share, file[share] == (byte)'A' ? 'B' : 'A'), out _));
            var body = lines[0].Length + 1 + lines[1].Length + 1 + 10;
            Assert.Equal(ErrorIds.AgeNoMatchingIdentity, Outcome(Flip(file, body, file[body] == (byte)'A' ? 'B' : 'A'), out _));
            // The MAC.
            var mac = text.LastIndexOf("--- ", StringComparison.Ordinal) + 4 + 5;
            Assert.Equal(ErrorIds.AgeHeaderMacMismatch, Outcome(Flip(file, mac, file[mac] == (byte)'A' ? 'B' : 'A'), out var released));
            Assert.Empty(released);
            // A non-canonical last MAC character (unused bits set) is a parse error, not a MAC mismatch.
            var last = headerLength - 2;
            var lastChar = (char)file[last];
            var noncanonical = "AEIMQUYcgkosw048".IndexOf(lastChar) >= 0 ? (char)(lastChar + 1) : lastChar;
            if (noncanonical != lastChar) Assert.Equal(ErrorIds.AgeHeaderInvalid, Outcome(Flip(file, last, noncanonical), out _));
        }

        [Theory, AgeBackends]
        public void FlippedByteInTheBody(AgeCipherBackend backend)
        {
            using var cipher = AgeChunkCipher.Use(backend);
            // In the nonce: every chunk's key changes, chunk 0 fails.
            var f = (byte[])file.Clone();
            f[headerLength + 3] ^= 1;
            Assert.Equal(ErrorIds.AgeBodyTampered, Outcome(f, out var released));
            Assert.Empty(released);
            // In chunk 1: chunk 0 is released, nothing of chunk 1.
            f = (byte[])file.Clone();
            f[PayloadStart + Sealed + 100] ^= 0x80;
            Assert.Equal(ErrorIds.AgeBodyTampered, Outcome(f, out released));
            AssertReleasedPrefix(released, 1);
            // In the final chunk's tag.
            f = (byte[])file.Clone();
            f[f.Length - 1] ^= 1;
            Assert.Equal(ErrorIds.AgeBodyTampered, Outcome(f, out released));
            AssertReleasedPrefix(released, 3);
        }

        [Theory, AgeBackends]
        public void ReorderedAndDroppedChunks(AgeCipherBackend backend)
        {
            using var cipher = AgeChunkCipher.Use(backend);
            var chunks = Enumerable.Range(0, 4).Select(i => file.Skip(PayloadStart + i * Sealed).Take(Math.Min(Sealed, file.Length - PayloadStart - i * Sealed)).ToArray()).ToList();
            byte[] With(params int[] order) => file.Take(PayloadStart).Concat(order.SelectMany(i => chunks[i])).ToArray();

            Assert.Equal(plain, Decrypt(With(0, 1, 2, 3), id));
            Assert.Equal(ErrorIds.AgeBodyTampered, Outcome(With(1, 0, 2, 3), out var released));
            Assert.Empty(released);
            Assert.Equal(ErrorIds.AgeBodyTampered, Outcome(With(0, 2, 1, 3), out released));
            AssertReleasedPrefix(released, 1);
            Assert.Equal(ErrorIds.AgeBodyTampered, Outcome(With(0, 2, 3), out released));      // chunk 1 dropped
            AssertReleasedPrefix(released, 1);
            Assert.Equal(ErrorIds.AgeBodyTampered, Outcome(With(0, 1, 3), out released));      // chunk 2 dropped: 3 is final but out of place
            AssertReleasedPrefix(released, 2);
            Assert.Equal(ErrorIds.AgeBodyTruncated, Outcome(With(0, 1, 2), out released));     // final chunk dropped
            AssertReleasedPrefix(released, 3);
            Assert.Equal(ErrorIds.AgeBodyTampered, Outcome(With(0, 1, 2, 2, 3), out released)); // a chunk replayed
            AssertReleasedPrefix(released, 3);
        }

        [Theory, AgeBackends]
        public void AppendedData(AgeCipherBackend backend)
        {
            using var cipher = AgeChunkCipher.Use(backend);
            // After a short final chunk, appended bytes join it and it fails its tag.
            Assert.Equal(ErrorIds.AgeBodyTampered, Outcome(file.Concat(new byte[] { 0 }).ToArray(), out var released));
            AssertReleasedPrefix(released, 3);
            Assert.Equal(ErrorIds.AgeBodyTampered, Outcome(file.Concat(new byte[200_000]).ToArray(), out _));
            // After a full final chunk, the bytes after it are refused as such, once the chunk is released.
            var full = RandomBytes(2 * Chunk, 9);
            var f = Encrypt(full, id.Recipient);
            Assert.Equal(ErrorIds.AgeTrailingData, Outcome(f.Concat(new byte[] { 1 }).ToArray(), out released));
            Assert.Equal(full, released);
            Assert.Equal(ErrorIds.AgeTrailingData, Outcome(f.Concat(f).ToArray(), out _));
            // A second file's header and payload appended to a short one.
            var small = Encrypt(new byte[] { 1, 2, 3 }, id.Recipient);
            Assert.Equal(ErrorIds.AgeBodyTampered, Outcome(small.Concat(small).ToArray(), out _));
        }

        [Theory, AgeBackends]
        public void ChunksFlaggedWrongly(AgeCipherBackend backend)
        {
            using var cipher = AgeChunkCipher.Use(backend);
            // Built by hand with the payload key, so the tags are genuine and only the flags are wrong.
            var p = RandomBytes(2 * Chunk, 5);
            // Final flag on chunk 0 with a chunk after it.
            Assert.Equal(ErrorIds.AgeTrailingData, Outcome(Craft((p.Take(Chunk).ToArray(), true), (p.Skip(Chunk).ToArray(), true)), out var released));
            Assert.True(p.AsSpan(0, Chunk).SequenceEqual(released));
            // No final flag anywhere: a short last chunk, and a full one.
            Assert.Equal(ErrorIds.AgeBodyTampered, Outcome(Craft((p.Take(100).ToArray(), false)), out released));
            Assert.Empty(released);
            Assert.Equal(ErrorIds.AgeBodyTruncated, Outcome(Craft((p.Take(Chunk).ToArray(), false)), out released));
            Assert.True(p.AsSpan(0, Chunk).SequenceEqual(released));
            // An empty final chunk after a full one: age never writes it.
            Assert.Equal(ErrorIds.AgeBodyTampered, Outcome(Craft((p.Take(Chunk).ToArray(), false), (new byte[0], true)), out released));
            Assert.True(p.AsSpan(0, Chunk).SequenceEqual(released));
            // A short non-final chunk in the middle.
            Assert.Equal(ErrorIds.AgeBodyTampered, Outcome(Craft((p.Take(10).ToArray(), false), (p.Take(10).ToArray(), true)), out _));
            // The crafting itself is sound.
            Assert.Equal(p, Decrypt(Craft((p.Take(Chunk).ToArray(), false), (p.Skip(Chunk).ToArray(), true)), id));
            Assert.Equal(new byte[0], Decrypt(Craft((new byte[0], true)), id));
        }

        private byte[] Craft(params (byte[] plain, bool last)[] chunks)
        {
            var fileKey = RandomBytes(16, 99);
            var stanzas = new List<AgeStanza> { id.Recipient.Wrap(fileKey) };
            var ms = new MemoryStream();
            var header = AgeHeader.Write(stanzas, fileKey);
            ms.Write(header, 0, header.Length);
            var nonce = RandomBytes(16, 98);
            ms.Write(nonce, 0, 16);
            var payload = new AgePayload(fileKey, nonce);
            var buf = new byte[Sealed];
            foreach (var (p, last) in chunks)
            {
                var n = payload.Seal(p, 0, p.Length, buf, last);
                ms.Write(buf, 0, n);
            }
            return ms.ToArray();
        }

        private static byte[] Flip(byte[] f, int at, char to)
        {
            var c = (byte[])f.Clone();
            c[at] = (byte)to;
            return c;
        }
    }
}
