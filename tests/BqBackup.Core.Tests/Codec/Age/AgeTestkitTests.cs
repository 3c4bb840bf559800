using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using BqBackup.Codec.Age;
using Xunit;
using Xunit.Abstractions;
using static BqBackup.Tests.Codec.Age.AgeTestSupport;

namespace BqBackup.Tests.Codec.Age
{
    /// <summary>
    /// Every vector of the C2SP age testkit (npm cctv-age 0.2.0, written out by
    /// tests/node/scripts/age-vectors.mjs) against the decoder.
    ///
    /// How the testkit's expectations map to our error ids:
    /// - success: decrypts to EOF, and the plaintext's SHA-256 is the vector's payload hash.
    /// - header failure: AgeHeaderInvalid; except a missing or short payload nonce, which we call
    ///   AgeBodyTruncated (the header is whole, the payload is cut), and a work factor above our
    ///   limit, AgePassphraseWorkFactorTooHigh.
    /// - HMAC failure: AgeHeaderMacMismatch. no match: AgeNoMatchingIdentity.
    /// - payload failure: AgeBodyTampered, AgeBodyTruncated or AgeTrailingData (as listed below),
    ///   and every byte released before the failure hashes to the vector's payload hash.
    /// - armored vectors (armor failure or not): AgeArmorNotSupported. Backups are binary age; we
    ///   refuse armor outright rather than parse it (a file with garbage before its armor is not
    ///   recognisable as age at all: AgeHeaderInvalid).
    /// - post-quantum hybrid vectors whose only identity is AGE-SECRET-KEY-PQ-1…: that identity is
    ///   refused with AgeIdentityInvalid (not supported yet), and the vector counts as such.
    /// </summary>
    public sealed class AgeTestkitTests
    {
        private const int ExpectedVectors = 143;
        private readonly ITestOutputHelper output;

        public AgeTestkitTests(ITestOutputHelper output) { this.output = output; }

        private static readonly Dictionary<string, string> PayloadFailureIds = new Dictionary<string, string>
        {
            ["stream_bad_tag"] = ErrorIds.AgeBodyTampered,
            ["stream_bad_tag_second_chunk"] = ErrorIds.AgeBodyTampered,
            ["stream_bad_tag_second_chunk_full"] = ErrorIds.AgeBodyTampered,
            ["stream_last_chunk_empty"] = ErrorIds.AgeBodyTampered,
            ["stream_missing_tag"] = ErrorIds.AgeBodyTruncated,
            ["stream_no_chunks"] = ErrorIds.AgeBodyTruncated,
            ["stream_no_final"] = ErrorIds.AgeBodyTampered,
            ["stream_no_final_full"] = ErrorIds.AgeBodyTruncated,
            ["stream_no_final_two_chunks"] = ErrorIds.AgeBodyTampered,
            ["stream_no_final_two_chunks_full"] = ErrorIds.AgeBodyTruncated,
            ["stream_short_chunk"] = ErrorIds.AgeBodyTruncated,
            ["stream_short_second_chunk"] = ErrorIds.AgeBodyTruncated,
            ["stream_trailing_garbage_long"] = ErrorIds.AgeTrailingData,
            ["stream_trailing_garbage_short"] = ErrorIds.AgeTrailingData,
            ["stream_two_final_chunks"] = ErrorIds.AgeTrailingData,
            ["stream_two_final_chunks_full"] = ErrorIds.AgeTrailingData,
            ["stream_two_final_chunks_second"] = ErrorIds.AgeTrailingData,
            ["stream_two_final_chunks_short"] = ErrorIds.AgeBodyTampered, // read as one short chunk that fails its tag
        };

        /// <summary>Armor vectors whose first line is not age's PEM line at all: to us, not an age file.</summary>
        private static readonly HashSet<string> NotRecognisableArmor = new HashSet<string>
        {
            "armor_garbage_leading", "armor_lowercase", "armor_whitespace_begin", "armor_wrong_type",
        };

        private static readonly Dictionary<string, string> HeaderFailureOverrides = new Dictionary<string, string>
        {
            ["stream_no_nonce"] = ErrorIds.AgeBodyTruncated,
            ["stream_short_nonce"] = ErrorIds.AgeBodyTruncated,
            ["scrypt_work_factor_23"] = ErrorIds.AgePassphraseWorkFactorTooHigh,
            ["scrypt_work_factor_overflow"] = ErrorIds.AgePassphraseWorkFactorTooHigh,
        };

        private sealed class Vector
        {
            public string Name;
            public string Expect;
            public string Payload;
            public bool Armored;
            public readonly List<string> Identities = new List<string>();
            public readonly List<string> Passphrases = new List<string>();
            public byte[] File;
        }

        private static Vector Load(string path)
        {
            var all = File.ReadAllBytes(path);
            var v = new Vector { Name = Path.GetFileName(path) };
            var pos = 0;
            bool zlib = false;
            while (true)
            {
                var nl = Array.IndexOf(all, (byte)'\n', pos);
                Assert.True(nl >= 0, $"{v.Name}: no blank line after the vector's header");
                var line = Encoding.UTF8.GetString(all, pos, nl - pos);
                pos = nl + 1;
                if (line.Length == 0) break;
                var colon = line.IndexOf(": ", StringComparison.Ordinal);
                var key = line.Substring(0, colon);
                var value = line.Substring(colon + 2);
                switch (key)
                {
                    case "expect": v.Expect = value; break;
                    case "payload": v.Payload = value; break;
                    case "identity": v.Identities.Add(value); break;
                    case "passphrase": v.Passphrases.Add(value); break;
                    case "armored": v.Armored = value == "yes"; break;
                    case "compressed": Assert.Equal("zlib", value); zlib = true; break;
                }
            }
            var body = new byte[all.Length - pos];
            Array.Copy(all, pos, body, 0, body.Length);
            if (zlib)
            {
                using (var z = new ZLibStream(new MemoryStream(body), CompressionMode.Decompress))
                using (var ms = new MemoryStream())
                {
                    z.CopyTo(ms);
                    body = ms.ToArray();
                }
            }
            v.File = body;
            return v;
        }

        /// <summary>Null when the vector passes; otherwise why not.</summary>
        private static string Check(Vector v, out string outcome)
        {
            outcome = null;
            var identities = new List<AgeIdentity>();
            var unsupported = 0;
            foreach (var s in v.Identities)
            {
                try { identities.Add(AgeX25519Identity.Parse(s)); }
                catch (BqBackupException e) when (e.ErrorId == ErrorIds.AgeIdentityInvalid && s.StartsWith("AGE-SECRET-KEY-PQ-1", StringComparison.Ordinal))
                {
                    if (e.Message.Contains(s.Substring(20))) return "the error message repeats the identity";
                    unsupported++;
                }
            }
            foreach (var p in v.Passphrases) identities.Add(new AgeScryptIdentity(p));
            // A vector that fails before any key matters (an empty file) names none: any identity will do.
            if (v.Identities.Count == 0 && v.Passphrases.Count == 0) identities.Add(AgeX25519Identity.Generate());
            if (identities.Count == 0)
            {
                outcome = "unsupported (post-quantum hybrid identity refused with AgeIdentityInvalid)";
                return null;
            }

            var id = TryDecrypt(v.File, identities, out var released);
            foreach (var i in identities) i.Dispose();
            outcome = id ?? "success";
            if (v.Expect == "success" && !v.Armored)
            {
                if (id != null) return $"expected success, got {id}";
                if (Sha256Hex(released) != v.Payload) return "decrypted, but the plaintext's hash differs";
                return null;
            }
            var expected = Expected(v);
            if (id != expected) return $"expected {expected} ({v.Expect}), got {id ?? "success"}";
            if (v.Expect == "payload failure" && !v.Armored && Sha256Hex(released) != v.Payload)
                return $"released {released.Length} bytes before the failure that do not hash to the payload";
            return null;
        }

        private static string Expected(Vector v)
        {
            if (v.Armored) return NotRecognisableArmor.Contains(v.Name) ? ErrorIds.AgeHeaderInvalid : ErrorIds.AgeArmorNotSupported;
            switch (v.Expect)
            {
                case "header failure": return HeaderFailureOverrides.TryGetValue(v.Name, out var o) ? o : ErrorIds.AgeHeaderInvalid;
                case "HMAC failure": return ErrorIds.AgeHeaderMacMismatch;
                case "no match": return ErrorIds.AgeNoMatchingIdentity;
                case "payload failure":
                    Assert.True(PayloadFailureIds.ContainsKey(v.Name), $"{v.Name}: a payload failure vector with no expected id listed");
                    return PayloadFailureIds[v.Name];
                case "success": return null;
                default: throw new InvalidOperationException($"{v.Name}: unknown expectation '{v.Expect}'");
            }
        }

        [Theory, AgeBackends]
        public void EveryTestkitVectorDecodesAsExpected(AgeCipherBackend backend)
        {
            using var cipher = AgeChunkCipher.Use(backend);
            var node = TestPaths.NodeModules;
            var package = Path.Combine(node, "cctv-age");
            Assert.True(Directory.Exists(package),
                $"The C2SP age testkit (npm cctv-age) is not installed at {package}: run the test set-up (build.ps1 -Task Test runs npm ci in tests/node), or cd tests/node && npm install cctv-age@0.2.0.");
            using (var dir = new TempDir())
            {
                var script = Path.Combine(TestPaths.RepoRoot, "tests", "node", "scripts", "age-vectors.mjs");
                var r = Run("/usr/bin/node", new[] { script, "--out", dir.Path }, timeoutMs: 60_000);
                Assert.True(r.ExitCode == 0, "age-vectors.mjs failed: " + r.Stderr);
                var files = Directory.GetFiles(dir.Path).OrderBy(f => f, StringComparer.Ordinal).ToList();
                Assert.Equal(ExpectedVectors, files.Count);

                var failures = new List<string>();
                var tally = new SortedDictionary<string, int>();
                foreach (var f in files)
                {
                    var v = Load(f);
                    string why, outcome = null;
                    try { why = Check(v, out outcome); }
                    catch (Exception e) { why = $"threw {e.GetType().Name}: {e.Message}"; }
                    if (why != null) failures.Add($"{v.Name}: {why}");
                    var key = $"{v.Expect}{(v.Armored ? " (armored)" : "")} -> {outcome}";
                    tally[key] = tally.TryGetValue(key, out var c) ? c + 1 : 1;
                }
                foreach (var kv in tally) output.WriteLine($"{kv.Value,4}  {kv.Key}");
                // The 17 hybrid_* vectors with only a post-quantum identity, and armor_hybrid.
                Assert.Equal(18, tally.Where(kv => kv.Key.Contains("unsupported")).Sum(kv => kv.Value));
                Assert.True(failures.Count == 0, $"{failures.Count} of {files.Count} vectors failed:\n" + string.Join("\n", failures));
            }
        }
    }
}
