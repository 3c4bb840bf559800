using System;
using System.IO;
using System.Linq;
using System.Security;
using BqBackup.Codec.Age;
using Xunit;
using static BqBackup.Tests.Codec.Age.AgeTestSupport;

namespace BqBackup.Tests.Codec.Age
{
    /// <summary>Keys, key files and what error messages may say about them.</summary>
    public sealed class AgeKeyFilesTests
    {
        private const string SpecIdentity = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX";
        private const string SpecRecipient = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj";

        [Fact]
        public void RecipientsFilesSkipCommentsAndBlankLinesAndReadCrlf()
        {
            using (var a = AgeX25519Identity.Generate())
            {
                var text = $"# ops team\r\n\r\n{SpecRecipient}\r\n   \n  # indented comment\n{a.Recipient}";
                var list = AgeKeyFiles.ParseRecipients(text);
                Assert.Equal(new[] { SpecRecipient, a.Recipient.ToString() }, list.Select(r => r.ToString()));
            }
        }

        [Theory]
        [InlineData("AGE1ZVKYG2LQZRAA2LNJVQEJ32NKUU0UES2S82HZRYE869XEEXVN73EQUNUJWJ")] // uppercase: age wants lowercase
        [InlineData("age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwq")] // checksum
        [InlineData("age1pq1x34nzsvr0rxjsgdn8zgyhfe8j7ceq5r9rdelkjuh3y235jzxshfg87pzf5")]
        [InlineData("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB+VHtZ6isGN")]
        public void BadRecipientsAreRefusedWithTheirLine(string line)
        {
            var e = Assert.Throws<BqBackupException>(() => AgeKeyFiles.ParseRecipients("# x\n" + line + "\n", "team.txt"));
            Assert.Equal(ErrorIds.AgeRecipientInvalid, e.ErrorId);
            Assert.Contains("'team.txt' line 2", e.Message);
            Assert.Equal(ErrorIds.AgeRecipientInvalid, ErrorIdOf(() => AgeX25519Recipient.Parse(line)));
        }

        [Fact]
        public void WellFormedBech32ThatIsNoX25519RecipientIsRefused()
        {
            Assert.Equal(ErrorIds.AgeRecipientInvalid, ErrorIdOf(() => AgeX25519Recipient.Parse(Bech32.EncodeBytes("age", new byte[31]))));
            var plugin = Assert.Throws<BqBackupException>(() => AgeX25519Recipient.Parse(Bech32.EncodeBytes("age1yubikey", new byte[33])));
            Assert.Contains("plugin", plugin.Message);
        }

        [Fact]
        public void EmptyFilesAreRefused()
        {
            Assert.Equal(ErrorIds.AgeRecipientInvalid, ErrorIdOf(() => AgeKeyFiles.ParseRecipients("# nothing\n\n")));
            Assert.Equal(ErrorIds.AgeIdentityInvalid, ErrorIdOf(() => AgeKeyFiles.ParseIdentities("# nothing\n")));
            Assert.Equal(ErrorIds.AgeIdentityInvalid, ErrorIdOf(() => AgeKeyFiles.ReadIdentitiesFile("/nonexistent/key.txt")));
            Assert.Equal(ErrorIds.AgeRecipientInvalid, ErrorIdOf(() => AgeKeyFiles.ReadRecipientsFile("/nonexistent/r.txt")));
        }

        [Fact]
        public void IdentityFilesAsAgeKeygenWritesThemWithSeveralKeys()
        {
            using (var b = AgeX25519Identity.Generate())
            {
                var text = $"# created: 2026-01-01T00:00:00Z\n# public key: {SpecRecipient}\n{SpecIdentity}\r\n\n{b.ExportSecretKey()}\n";
                var ids = AgeKeyFiles.ParseIdentities(text);
                Assert.Equal(new[] { SpecRecipient, b.Recipient.ToString() }, ids.Select(i => i.Recipient.ToString()));
            }
        }

        [Theory]
        [InlineData("AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEQ")] // checksum
        [InlineData("age-secret-key-1gfpyysjzgfpyysjzgfpyysjzgfpyysjzgfpyysjzgfpyysjzgfpq4egaex")] // lowercase: age-keygen writes uppercase
        [InlineData("AGE-SECRET-KEY-PQ-1XX76JRALNLXDMEW0CRK45QMCCH4X06SE84UN3VPM33W6HWDX0H3SK3ZQFR")]
        [InlineData("AGE-PLUGIN-YUBIKEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ")]
        [InlineData(SpecRecipient)]
        public void BadIdentitiesAreRefusedWithoutRepeatingThem(string line)
        {
            var e = Assert.Throws<BqBackupException>(() => AgeKeyFiles.ParseIdentities("# k\n" + line + "\n", "key.txt"));
            Assert.Equal(ErrorIds.AgeIdentityInvalid, e.ErrorId);
            Assert.Contains("'key.txt' line 2", e.Message);
            // Neither the key nor its body appear in the message or the target.
            Assert.DoesNotContain(line.Substring(20, 20), e.Message, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(line.Substring(20, 20), e.TargetObject?.ToString() ?? "", StringComparison.OrdinalIgnoreCase);
        }

        [Fact]
        public void AnEncryptedIdentitiesFileIsRefusedClearly()
        {
            using (var r = new AgeScryptRecipient("pw") { WorkFactor = 10 })
            {
                var enc = System.Text.Encoding.ASCII.GetString(Encrypt(System.Text.Encoding.ASCII.GetBytes(SpecIdentity + "\n"), r).Take(60).ToArray());
                var e = Assert.Throws<BqBackupException>(() => AgeKeyFiles.ParseIdentities(enc));
                Assert.Equal(ErrorIds.AgeIdentityInvalid, e.ErrorId);
                Assert.Contains("encrypted", e.Message);
            }
        }

        [Fact]
        public void NothingPrintsASecret()
        {
            var id = AgeX25519Identity.Parse(SpecIdentity);
            Assert.DoesNotContain("SECRET", id.ToString());
            Assert.Contains(SpecRecipient, id.ToString());
            using (var pw = new AgeScryptIdentity("hunter2"))
            using (var rc = new AgeScryptRecipient("hunter2"))
            {
                Assert.DoesNotContain("hunter2", pw.ToString());
                Assert.DoesNotContain("hunter2", rc.ToString());
            }
            id.Dispose();
            Assert.Throws<ObjectDisposedException>(() => id.ExportSecretKey());
        }

        [Fact]
        public void SecureStringPassphrasesWorkLikeStrings()
        {
            var ss = new SecureString();
            foreach (var c in "secure pass") ss.AppendChar(c);
            using (var r = new AgeScryptRecipient(ss) { WorkFactor = 10 })
            using (var id = new AgeScryptIdentity("secure pass"))
                Assert.Equal(new byte[] { 9 }, Decrypt(Encrypt(new byte[] { 9 }, r), id));
        }

        [Fact]
        public void DecryptingWithoutIdentitiesOrArmoredInputIsRefused()
        {
            Assert.Equal(ErrorIds.AgeIdentityRequired, ErrorIdOf(() => new AgeDecryptingStream(new MemoryStream(new byte[10]), new AgeIdentity[0])));
            var armored = System.Text.Encoding.ASCII.GetBytes("\n  -----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n");
            using (var id = AgeX25519Identity.Generate())
            {
                Assert.Equal(ErrorIds.AgeArmorNotSupported, ErrorIdOf(() => new AgeDecryptingStream(new MemoryStream(armored), new[] { id })));
                Assert.Equal(ErrorIds.AgeHeaderInvalid, ErrorIdOf(() => new AgeDecryptingStream(new MemoryStream(new byte[] { 0x1f, 0x8b, 8, 0 }), new[] { id })));
                Assert.Equal(ErrorIds.AgeHeaderInvalid, ErrorIdOf(() => AgeHeader.Read(new MemoryStream(System.Text.Encoding.ASCII.GetBytes("age-encryption.org/v2\n")))));
            }
        }

        [Fact]
        public void A_key_file_that_never_ends_is_read_only_up_to_the_limit()
        {
            if (!File.Exists("/dev/zero")) return; // no such device on Windows
            Assert.Equal(ErrorIds.AgeRecipientInvalid, ErrorIdOf(() => AgeKeyFiles.ReadRecipientsFile("/dev/zero")));
            Assert.Equal(ErrorIds.AgeIdentityInvalid, ErrorIdOf(() => AgeKeyFiles.ReadIdentitiesFile("/dev/zero")));
        }
    }
}
