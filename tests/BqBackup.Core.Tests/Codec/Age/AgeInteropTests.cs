using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using BqBackup.Codec.Age;
using Xunit;
using static BqBackup.Tests.Codec.Age.AgeTestSupport;

namespace BqBackup.Tests.Codec.Age
{
    /// <summary>Round trips with Debian's stock age and age-keygen (1.1.1), both ways.</summary>
    public sealed class AgeInteropTests
    {
        private const string Age = "/usr/bin/age";
        private const string AgeKeygen = "/usr/bin/age-keygen";
        private const int Chunk = 64 * 1024;

        /// <summary>Each size with each ChaCha20-Poly1305 implementation the payload can use.</summary>
        public static IEnumerable<object[]> Sizes =>
            from n in new[] { 0, 1, Chunk - 1, Chunk, Chunk + 1, 3 * 1024 * 1024 + 5 }
            from b in new[] { AgeCipherBackend.Platform, AgeCipherBackend.BouncyCastle }
            select new object[] { n, b };

        private static string Keygen(TempDir dir, string name)
        {
            var path = dir.File(name);
            var r = Run(AgeKeygen, new[] { "-o", path });
            Assert.True(r.ExitCode == 0, r.Stderr);
            return path;
        }

        [Fact]
        public void KeygenFilesParseAndGiveTheSameRecipients()
        {
            using (var dir = new TempDir())
            {
                var key = Keygen(dir, "key.txt");
                var ids = AgeKeyFiles.ReadIdentitiesFile(key);
                Assert.Single(ids);
                var theirs = System.Text.Encoding.ASCII.GetString(Run(AgeKeygen, new[] { "-y", key }).Stdout).Trim();
                Assert.Equal(theirs, ids[0].Recipient.ToString());
                // Ours, read back by age-keygen.
                using (var mine = AgeX25519Identity.Generate())
                {
                    File.WriteAllText(dir.File("mine.txt"), "# made by BqBackup\n" + mine.ExportSecretKey() + "\n");
                    var y = System.Text.Encoding.ASCII.GetString(Run(AgeKeygen, new[] { "-y", dir.File("mine.txt") }).Stdout).Trim();
                    Assert.Equal(mine.Recipient.ToString(), y);
                }
            }
        }

        [Theory]
        [MemberData(nameof(Sizes))]
        public void OursToSeveralRecipientsDecryptsWithAge(int size, AgeCipherBackend backend)
        {
            using var cipher = AgeChunkCipher.Use(backend);
            using (var dir = new TempDir())
            {
                var k1 = Keygen(dir, "k1.txt");
                var k2 = Keygen(dir, "k2.txt");
                var recipients = AgeKeyFiles.ReadIdentitiesFile(k1).Concat(AgeKeyFiles.ReadIdentitiesFile(k2)).Select(i => (AgeRecipient)i.Recipient).ToList();
                var plain = RandomBytes(size, size + 1);
                var file = dir.File("x.age");
                using (var fs = File.Create(file))
                using (var age = new AgeEncryptingStream(fs, recipients))
                    age.Write(plain, 0, plain.Length);
                foreach (var k in new[] { k1, k2 })
                {
                    var r = Run(Age, new[] { "-d", "-i", k, file });
                    Assert.True(r.ExitCode == 0, $"age -d failed for {size} bytes: {r.Stderr}");
                    Assert.Equal(plain, r.Stdout);
                }
                var other = Keygen(dir, "other.txt");
                var refused = Run(Age, new[] { "-d", "-i", other, file });
                Assert.NotEqual(0, refused.ExitCode);
            }
        }

        [Theory]
        [MemberData(nameof(Sizes))]
        public void AgesToSeveralRecipientsDecryptsWithOurs(int size, AgeCipherBackend backend)
        {
            using var cipher = AgeChunkCipher.Use(backend);
            using (var dir = new TempDir())
            {
                var k1 = Keygen(dir, "k1.txt");
                var k2 = Keygen(dir, "k2.txt");
                var ids1 = AgeKeyFiles.ReadIdentitiesFile(k1);
                var ids2 = AgeKeyFiles.ReadIdentitiesFile(k2);
                File.WriteAllText(dir.File("recipients.txt"), $"# team\n\n{ids2[0].Recipient}\r\n");
                var plain = RandomBytes(size, size + 2);
                File.WriteAllBytes(dir.File("plain"), plain);
                var r = Run(Age, new[] { "-e", "-r", ids1[0].Recipient.ToString(), "-R", dir.File("recipients.txt"), "-o", dir.File("x.age"), dir.File("plain") });
                Assert.True(r.ExitCode == 0, r.Stderr);
                var file = File.ReadAllBytes(dir.File("x.age"));
                Assert.Equal(plain, Decrypt(file, ids1[0]));
                Assert.Equal(plain, Decrypt(file, ids2[0]));
                using (var stranger = AgeX25519Identity.Generate())
                    Assert.Equal(ErrorIds.AgeNoMatchingIdentity, ErrorIdOf(() => Decrypt(file, stranger)));
                // The recipients file age read is one we read the same way.
                Assert.Equal(ids2[0].Recipient, AgeKeyFiles.ReadRecipientsFile(dir.File("recipients.txt")).Single());
            }
        }

        [Fact]
        public void AnIdentitiesFileWithSeveralKeysWorksBothWays()
        {
            using (var dir = new TempDir())
            using (var a = AgeX25519Identity.Generate())
            using (var b = AgeX25519Identity.Generate())
            {
                File.WriteAllText(dir.File("ids.txt"), $"# two keys\n{a.ExportSecretKey()}\n\n# second\n{b.ExportSecretKey()}\n");
                var ids = AgeKeyFiles.ReadIdentitiesFile(dir.File("ids.txt"));
                Assert.Equal(new[] { a.Recipient, b.Recipient }, ids.Select(i => i.Recipient));
                var plain = RandomBytes(Chunk + 3, 4);
                File.WriteAllBytes(dir.File("x.age"), Encrypt(plain, b.Recipient));
                var r = Run(Age, new[] { "-d", "-i", dir.File("ids.txt"), dir.File("x.age") });
                Assert.True(r.ExitCode == 0, r.Stderr);
                Assert.Equal(plain, r.Stdout);
            }
        }

        /// <summary>
        /// age reads passphrases from the terminal only, so it runs under a pseudo-terminal made by
        /// Python's pty module, which types the passphrase at each prompt.
        /// </summary>
        private static ToolResult AgeWithPassphrase(TempDir dir, string passphrase, params string[] args)
        {
            var script = dir.File("agepty.py");
            File.WriteAllText(script, PtyScript);
            return Run("/usr/bin/python3", new[] { script, passphrase, Age }.Concat(args), timeoutMs: 180_000);
        }

        private const string PtyScript = @"import os, pty, sys, time
pw = sys.argv[1].encode()
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
out, sent, deadline = b'', 0, time.time() + 150
while time.time() < deadline:
    try:
        chunk = os.read(fd, 1024)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
    while out.count(b'passphrase') > sent:
        os.write(fd, pw + b'\n')
        sent += 1
_, status = os.waitpid(pid, 0)
sys.stderr.write(out.decode(errors='replace'))
sys.exit(os.waitstatus_to_exitcode(status))
";

        [Fact]
        public void PassphraseFilesInteroperateBothWays()
        {
            const string passphrase = "blue whale — 7 stars";
            using (var dir = new TempDir())
            {
                var plain = RandomBytes(2 * Chunk + 9, 8);
                File.WriteAllBytes(dir.File("plain"), plain);

                // age -p (its default work factor, 18) -> ours.
                var r = AgeWithPassphrase(dir, passphrase, "-p", "-o", dir.File("theirs.age"), dir.File("plain"));
                Assert.True(r.ExitCode == 0, r.Stderr);
                var theirs = File.ReadAllBytes(dir.File("theirs.age"));
                Assert.Equal(18, AgeHeader.Read(new MemoryStream(theirs)).ScryptWorkFactor);
                using (var id = new AgeScryptIdentity(passphrase))
                    Assert.Equal(plain, Decrypt(theirs, id));

                // Ours (default work factor) -> age -d.
                using (var rcp = new AgeScryptRecipient(passphrase))
                    File.WriteAllBytes(dir.File("ours.age"), Encrypt(plain, rcp));
                r = AgeWithPassphrase(dir, passphrase, "-d", "-o", dir.File("back"), dir.File("ours.age"));
                Assert.True(r.ExitCode == 0, r.Stderr);
                Assert.Equal(plain, File.ReadAllBytes(dir.File("back")));

                // And age refuses ours with the wrong passphrase.
                r = AgeWithPassphrase(dir, passphrase + "!", "-d", "-o", dir.File("back2"), dir.File("ours.age"));
                Assert.NotEqual(0, r.ExitCode);
            }
        }
    }
}
