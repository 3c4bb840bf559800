using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using BqBackup.Codec.Age;
using Xunit;
using static BqBackup.Tests.Codec.Age.AgeTestSupport;
using BqBackup.IO;

namespace BqBackup.Tests.Codec.Age
{
    /// <summary>Our encrypting and decrypting streams against each other: sizes, chunk boundaries, pipelines, Dispose.</summary>
    public sealed class AgeStreamTests
    {
        private const int Chunk = 64 * 1024;

        public static IEnumerable<object[]> Sizes => new[] { 0, 1, Chunk - 1, Chunk, Chunk + 1, 2 * Chunk, 3 * 1024 * 1024 + 123 }.Select(n => new object[] { n });

        [Theory]
        [MemberData(nameof(Sizes))]
        public void X25519ToSeveralRecipientsRoundTrips(int size)
        {
            var plain = RandomBytes(size, size);
            using (var a = AgeX25519Identity.Generate())
            using (var b = AgeX25519Identity.Generate())
            using (var c = AgeX25519Identity.Generate())
            {
                var file = Encrypt(plain, a.Recipient, b.Recipient, c.Recipient);
                var header = AgeHeader.Read(new MemoryStream(file));
                Assert.Equal(new[] { "X25519", "X25519", "X25519" }, header.StanzaTypes);
                Assert.Equal(plain, Decrypt(file, a));
                Assert.Equal(plain, Decrypt(file, c));
                Assert.Equal(plain, Decrypt(file, AgeX25519Identity.Generate(), b));
                // Chunks: ceil(n / 64 KiB), and one (empty) for an empty plaintext.
                var chunks = size == 0 ? 1 : (size + Chunk - 1) / Chunk;
                var headerLength = file.Length - 16 - size - 16 * chunks;
                Assert.Equal(file.Length, headerLength + 16 + AgeEncryptingStream.PayloadLength(size));
            }
        }

        [Theory]
        [InlineData(0)]
        [InlineData(Chunk)]
        [InlineData(Chunk + 1)]
        public void PassphraseRoundTrips(int size)
        {
            var plain = RandomBytes(size, 3);
            using (var r = new AgeScryptRecipient("correct horse battery staple") { WorkFactor = 10 })
            using (var id = new AgeScryptIdentity("correct horse battery staple"))
            {
                var file = Encrypt(plain, r);
                var header = AgeHeader.Read(new MemoryStream(file));
                Assert.True(header.IsPassphraseEncrypted);
                Assert.Equal(10, header.ScryptWorkFactor);
                Assert.Equal(plain, Decrypt(file, id));
                using (var wrong = new AgeScryptIdentity("correct horse battery stapler"))
                    Assert.Equal(ErrorIds.AgeNoMatchingIdentity, ErrorIdOf(() => Decrypt(file, wrong)));
            }
        }

        [Fact]
        public void DefaultWorkFactorIsAges18()
        {
            using (var r = new AgeScryptRecipient("pw")) Assert.Equal(18, r.WorkFactor);
            using (var i = new AgeScryptIdentity("pw")) Assert.Equal(22, i.MaxWorkFactor);
        }

        [Fact]
        public void WorkFactorAboveTheReadersLimitIsRefusedBeforeAnyScrypt()
        {
            using (var r = new AgeScryptRecipient("pw") { WorkFactor = 12 })
            using (var id = new AgeScryptIdentity("pw") { MaxWorkFactor = 11 })
            {
                var file = Encrypt(new byte[] { 1 }, r);
                var e = Assert.Throws<BqBackupException>(() => Decrypt(file, id));
                Assert.Equal(ErrorIds.AgePassphraseWorkFactorTooHigh, e.ErrorId);
                Assert.Contains("2^12", e.Message);
                Assert.DoesNotContain("pw", e.Message.Replace("passphrase", ""));
            }
        }

        [Fact]
        public void PassphraseCannotBeMixedWithOtherRecipients()
        {
            using (var id = AgeX25519Identity.Generate())
            using (var r = new AgeScryptRecipient("pw") { WorkFactor = 10 })
            {
                Assert.Equal(ErrorIds.AgeRecipientInvalid, ErrorIdOf(() => Encrypt(new byte[1], r, id.Recipient)));
                Assert.Equal(ErrorIds.AgeRecipientRequired, ErrorIdOf(() => Encrypt(new byte[1])));
            }
        }

        [Fact]
        public void WritesOfEverySizeGiveTheSamePlaintext()
        {
            // Byte-at-a-time, odd sizes and one big write all frame the same chunks.
            var plain = RandomBytes(5 * Chunk + 77, 11);
            using (var id = AgeX25519Identity.Generate())
            {
                var ms = new MemoryStream();
                using (var age = new AgeEncryptingStream(new WriteOnlySequential(ms), new[] { id.Recipient }))
                {
                    var rnd = new Random(5);
                    var pos = 0;
                    while (pos < plain.Length)
                    {
                        var n = Math.Min(plain.Length - pos, rnd.Next(4) == 0 ? 1 : rnd.Next(1, 3 * Chunk));
                        age.Write(plain, pos, n);
                        pos += n;
                    }
                    Assert.Equal(plain.Length, age.PlaintextLength);
                }
                // Decrypt through a source that hands out a few bytes per Read, as a network stream may.
                using (var dec = new AgeDecryptingStream(new Trickle(ms.ToArray()), new[] { id }))
                using (var outp = new MemoryStream())
                {
                    dec.CopyTo(outp);
                    Assert.Equal(plain, outp.ToArray());
                    Assert.True(dec.IsComplete);
                    Assert.Same(id, dec.MatchedIdentity);
                }
            }
        }

        [Fact]
        public void DisposeWritesTheFinalChunkAndFlushFinalBlockOnlyOnce()
        {
            using (var id = AgeX25519Identity.Generate())
            {
                var ms = new MemoryStream();
                var age = new AgeEncryptingStream(ms, new[] { id.Recipient }, leaveOpen: true);
                age.Write(new byte[10], 0, 10);
                age.FlushFinalBlock();
                var length = ms.Length;
                age.FlushFinalBlock();
                age.Dispose();
                Assert.Equal(length, ms.Length);
                Assert.Throws<ObjectDisposedException>(() => age.Write(new byte[1], 0, 1));
                Assert.Equal(new byte[10], Decrypt(ms.ToArray(), id));

                // Disposed without FlushFinalBlock: Dispose seals the final chunk.
                var ms2 = new MemoryStream();
                using (var age2 = new AgeEncryptingStream(ms2, new[] { id.Recipient }, leaveOpen: true))
                    age2.Write(new byte[Chunk], 0, Chunk);
                Assert.Equal(new byte[Chunk], Decrypt(ms2.ToArray(), id));
            }
        }

        [Fact]
        public void AfterAFailedWriteNothingMoreIsWrittenEvenOnDispose()
        {
            using (var id = AgeX25519Identity.Generate())
            {
                var sink = new FailingSink(failAfter: 3 * Chunk);
                var age = new AgeEncryptingStream(sink, new[] { id.Recipient });
                var data = new byte[10 * Chunk];
                Assert.Throws<IOException>(() => age.Write(data, 0, data.Length));
                var written = sink.Written;
                age.Dispose(); // must neither throw nor write a final chunk
                Assert.Equal(written, sink.Written);
                Assert.True(sink.Disposed);
            }
        }

        [Fact]
        public void HeaderReadsWithoutAKeyAndLeavesTheStreamAtThePayload()
        {
            using (var a = AgeX25519Identity.Generate())
            using (var b = AgeX25519Identity.Generate())
            {
                var file = Encrypt(RandomBytes(100, 1), a.Recipient, b.Recipient);
                var s = new MemoryStream(file);
                var header = AgeHeader.Read(s);
                Assert.Equal(2, header.CountOf("X25519"));
                Assert.False(header.IsPassphraseEncrypted);
                Assert.Null(header.ScryptWorkFactor);
                Assert.Equal("2 X25519 stanzas", header.Describe());
                // The header names no recipient: each stanza holds only a 32-byte ephemeral share.
                Assert.All(header.Stanzas, st => Assert.DoesNotContain(a.Recipient.ToString(), st.ToString()));
                Assert.All(header.Stanzas, st => Assert.Equal(32, st.BodyLength));
                var headerText = Encoding.ASCII.GetString(file, 0, (int)s.Position);
                Assert.StartsWith("age-encryption.org/v1\n-> X25519 ", headerText);
                Assert.Matches(@"\n--- [A-Za-z0-9+/]{43}\n$", headerText);
                Assert.Equal(file.Length - s.Position, 16 + 100 + 16);
                Assert.True(AgeHeader.StartsLikeAge(file, 19));
                Assert.False(AgeHeader.StartsLikeAge(new byte[] { 0x1f, 0x8b }, 2));
            }
        }

        [Fact]
        public void StanzaBodiesWrapAt64ColumnsWithAShortLastLine()
        {
            // A 48-byte body is exactly 64 base64 characters: a full line, then an empty one.
            var st = new AgeStanza("test", new[] { "a" }, new byte[48]);
            var sb = new StringBuilder();
            st.WriteTo(sb);
            Assert.Equal("-> test a\n" + new string('A', 64) + "\n\n", sb.ToString());
        }

        /// <summary>A write-only, non-seekable output, as an upload stream is: fails the test on any other use.</summary>
        private sealed class WriteOnlySequential : ForwardWriteStream
        {
            private readonly Stream inner;
            public WriteOnlySequential(Stream inner) { this.inner = inner; }
            public override void Flush() => inner.Flush();
            public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        }

        private sealed class Trickle : ForwardReadStream
        {
            private readonly byte[] data;
            private int pos;
            private readonly Random rnd = new Random(1);
            public Trickle(byte[] data) { this.data = data; }
            public override int Read(byte[] buffer, int offset, int count)
            {
                var n = Math.Min(Math.Min(count, rnd.Next(1, 5000)), data.Length - pos);
                Buffer.BlockCopy(data, pos, buffer, offset, n);
                pos += n;
                return n;
            }
        }

        private sealed class FailingSink : ForwardWriteStream
        {
            private readonly long failAfter;
            public FailingSink(long failAfter) { this.failAfter = failAfter; }
            public long Written;
            public bool Disposed;
            public override void Write(byte[] buffer, int offset, int count)
            {
                if (Written + count > failAfter) throw new IOException("the store went away");
                Written += count;
            }
            protected override void Dispose(bool disposing) { Disposed = true; base.Dispose(disposing); }
        }
    }
}
