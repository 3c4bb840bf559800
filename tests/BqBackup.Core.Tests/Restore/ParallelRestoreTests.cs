using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using BqBackup.Catalog;
using BqBackup.Codec;
using BqBackup.Encryption;
using BqBackup.Codec.Age;
using BqBackup.Restore;
using BqBackup.Tests.Catalog;
using BqBackup.Tests.Fixtures;
using Xunit;

namespace BqBackup.Tests.Restore
{
    /// <summary>The parallel inflate by the sidecar's block index, and which restores run integrity_check and why.</summary>
    public class ParallelRestoreTests
    {
        // About 5 MB of database: several 1 MiB blocks.
        private const int Jobs = 4000;

        private static (RestoreResult result, List<string> verbose) Restore(Workspace w, string name, string target, bool integrityCheck = false,
            BackupDecryption keys = null, bool force = false)
        {
            var verbose = new List<string>();
            var ctx = new OperationContext { Verbose = verbose.Add, Warning = w.Warnings.Add };
            var backup = new BackupCatalog(w.Store, w.BackupsPath).Get(name, ctx);
            var result = RestoreEngine.Run(backup, w.Store, target, new RestoreOptions { IntegrityCheck = integrityCheck, Decryption = keys, Force = force }, ctx);
            return (result, verbose);
        }

        private static string Target(Workspace w) => Path.Combine(w.Dir("live-" + Guid.NewGuid().ToString("N")), "queue.db");

        private static string SidecarPath(Workspace w, string name) => Path.Combine(w.BackupsPath, name + BackupNaming.MetadataSuffix);

        private static void EditSidecar(Workspace w, string name, Action<JsonObject> edit)
        {
            var json = JsonNode.Parse(File.ReadAllText(SidecarPath(w, name))).AsObject();
            edit(json);
            File.WriteAllText(SidecarPath(w, name), json.ToJsonString());
        }

        [Fact]
        public void Our_backup_records_its_block_index_and_integrity_check_and_restores_in_parallel_without_a_second_integrity_check()
        {
            using (var w = new Workspace(Jobs))
            {
                var info = w.Backup();
                var meta = BackupMetadata.Parse(File.ReadAllBytes(SidecarPath(w, info.Name)), out _);
                Assert.Equal("ok", meta.IntegrityCheck);
                Assert.True(meta.GzipBlocks.Count >= 3, $"{meta.GzipBlocks.Count} blocks");
                Assert.Equal(new FileInfo(Path.Combine(w.BackupsPath, info.Name)).Length, GzipBlockIndex.HeaderLength + meta.GzipBlocks.CompressedLengths.Sum() + 8);

                var target = Target(w);
                var (result, verbose) = Restore(w, info.Name, target);
                Assert.Equal(info.Sha256, Db.Sha256(target));
                Assert.True(result.ChecksumVerified);
                Assert.Equal("ok", result.IntegrityCheck);
                Assert.Equal(BackupVerifier.ProofChecksum, result.IntegrityProof);
                Assert.Contains(verbose, v => v.Contains($"inflated in {meta.GzipBlocks.Count} blocks"));
                Assert.Contains(verbose, v => v.Contains("skipping integrity_check") && v.Contains("matches the snapshot that passed integrity_check"));
                Assert.Equal(w.Expected.Jobs, result.Counts.Jobs);
            }
        }

        [Fact]
        public void IntegrityCheck_runs_it_on_request()
        {
            using (var w = new Workspace())
            {
                var info = w.Backup();
                var (result, verbose) = Restore(w, info.Name, Target(w), integrityCheck: true);
                Assert.Equal(BackupVerifier.ProofIntegrityCheck, result.IntegrityProof);
                Assert.Contains(verbose, v => v.Contains("as -IntegrityCheck asks"));
                Assert.Contains(verbose, v => v.StartsWith("integrity_check ok"));
            }
        }

        [Fact]
        public void A_wrong_offset_in_the_index_costs_a_second_fetch_as_one_stream_not_the_restore()
        {
            using (var w = new Workspace(Jobs))
            {
                var info = w.Backup();
                var index = BackupMetadata.Parse(File.ReadAllBytes(SidecarPath(w, info.Name)), out _).GzipBlocks;
                var lengths = index.CompressedLengths.ToArray();
                lengths[0] += 3;
                lengths[1] -= 3;
                EditSidecar(w, info.Name, j => j["gzipBlocks"]["lengths"] = new GzipBlockIndex(index.BlockSize, lengths).EncodeLengths());

                var target = Target(w);
                var (result, verbose) = Restore(w, info.Name, target);
                Assert.Equal(info.Sha256, Db.Sha256(target));
                Assert.Contains(verbose, v => v.Contains("does not match its block index") && v.Contains("as one stream"));
                Assert.Contains(verbose, v => v.Contains("inflated as one stream"));
                // The checksum still ties the copy to the checked snapshot: the index is no part of that proof.
                Assert.Equal(BackupVerifier.ProofChecksum, result.IntegrityProof);
            }
        }

        [Fact]
        public void A_corrupted_block_is_refused_and_the_live_database_is_untouched()
        {
            using (var w = new Workspace(Jobs))
            {
                var info = w.Backup();
                var index = BackupMetadata.Parse(File.ReadAllBytes(SidecarPath(w, info.Name)), out _).GzipBlocks;
                var body = Path.Combine(w.BackupsPath, info.Name);
                var bytes = File.ReadAllBytes(body);
                var second = GzipBlockIndex.HeaderLength + index.CompressedLengths[0] + index.CompressedLengths[1] / 2;
                for (var i = second; i < second + 16; i++) bytes[i] ^= 0xff;
                File.WriteAllBytes(body, bytes);
                var target = Target(w);
                File.Copy(w.Database, target);
                var before = Db.Sha256(target);
                var e = Assert.Throws<BqBackupException>(() => Restore(w, info.Name, target));
                Assert.Contains(e.ErrorId, new[] { ErrorIds.BackupCorrupt, ErrorIds.ChecksumMismatch });
                Assert.Equal(before, Db.Sha256(target));
                Assert.Single(Directory.GetFiles(Path.GetDirectoryName(target)));
            }
        }

        [Fact]
        public void Our_older_sidecar_without_index_or_integrity_field_inflates_as_one_stream_and_runs_integrity_check()
        {
            using (var w = new Workspace(Jobs))
            {
                var info = w.Backup();
                EditSidecar(w, info.Name, j => { j.Remove("gzipBlocks"); j.Remove("integrityCheck"); });
                var target = Target(w);
                var (result, verbose) = Restore(w, info.Name, target);
                Assert.Equal(info.Sha256, Db.Sha256(target));
                Assert.Contains(verbose, v => v.Contains("has no block index"));
                Assert.Contains(verbose, v => v.Contains("inflated as one stream"));
                Assert.Equal(BackupVerifier.ProofIntegrityCheck, result.IntegrityProof);
                Assert.Contains(verbose, v => v.Contains("does not record that the snapshot passed integrity_check"));
            }
        }

        [Fact]
        public void A_junk_index_is_ignored_and_the_body_still_verifies()
        {
            using (var w = new Workspace())
            {
                var info = w.Backup();
                EditSidecar(w, info.Name, j => j["gzipBlocks"] = JsonNode.Parse("{\"blockSize\":1048576,\"lengths\":\"%%%\"}"));
                var target = Target(w);
                var (result, verbose) = Restore(w, info.Name, target);
                Assert.Equal(info.Sha256, Db.Sha256(target));
                Assert.Contains(verbose, v => v.Contains("has no block index"));
            }
        }

        [Fact]
        public void Bunqueues_backup_inflates_as_one_stream_and_runs_integrity_check()
        {
            using (var w = new Workspace(Jobs))
            {
                var name = CatalogTests.WriteBunqueueBackup(w, new DateTime(2026, 5, 1, 0, 0, 0, DateTimeKind.Utc));
                var target = Target(w);
                var (result, verbose) = Restore(w, name, target);
                Assert.Equal(Db.Sha256(w.Database), Db.Sha256(target));
                Assert.True(result.ChecksumVerified);
                Assert.Equal(BackupVerifier.ProofIntegrityCheck, result.IntegrityProof);
                Assert.Contains(verbose, v => v.Contains("inflated as one stream"));
                Assert.Contains(verbose, v => v.Contains("(bunqueue's) does not record an integrity_check"));
            }
        }

        [Fact]
        public void A_backup_without_a_sidecar_runs_integrity_check()
        {
            using (var w = new Workspace())
            {
                var info = w.Backup();
                File.Delete(SidecarPath(w, info.Name));
                var (result, verbose) = Restore(w, info.Name, Target(w), force: true);
                Assert.Equal(BackupVerifier.ProofIntegrityCheck, result.IntegrityProof);
                Assert.Contains(verbose, v => v.Contains("it has no usable sidecar"));
            }
        }

        [Fact]
        public void A_sidecar_whose_integrity_field_is_not_ok_runs_integrity_check()
        {
            using (var w = new Workspace())
            {
                var info = w.Backup();
                EditSidecar(w, info.Name, j => j["integrityCheck"] = "skipped");
                var (result, _) = Restore(w, info.Name, Target(w));
                Assert.Equal(BackupVerifier.ProofIntegrityCheck, result.IntegrityProof);
            }
        }

        [Fact]
        public void Encrypted_the_index_refers_to_the_gzip_inside_and_inflates_in_parallel_minimal_metadata_has_none()
        {
            using (var w = new Workspace(Jobs))
            using (var id = AgeX25519Identity.Generate())
            {
                var keyFile = w.File("key.txt");
                File.WriteAllText(keyFile, id.ExportSecretKey() + "\n");
                var keys = BackupDecryption.Resolve(new[] { keyFile }, null, null);
                foreach (var minimal in new[] { false, true })
                {
                    var options = w.Options();
                    options.Encryption = BackupEncryption.Resolve(new[] { id.Recipient.ToString() }, null, null, null);
                    options.MinimalMetadata = minimal;
                    var made = BqBackup.Backup.BackupEngine.Run(w.Database, w.Store, w.BackupsPath, options, w.Context);
                    var meta = BackupMetadata.Parse(File.ReadAllBytes(SidecarPath(w, made.Name)), out _);
                    Assert.Equal(minimal, meta.GzipBlocks == null);

                    var target = Target(w);
                    var (result, verbose) = Restore(w, made.Name, target, keys: keys);
                    Assert.Equal(result.Sha256, Db.Sha256(target));
                    if (!minimal) Assert.Equal(made.Sha256, result.Sha256);
                    Assert.Equal(w.Expected.Jobs, result.Counts.Jobs);
                    Assert.True(result.Encrypted);
                    Assert.Equal(!minimal, verbose.Any(v => v.Contains("inflated in") && v.Contains("blocks")));
                    // Minimal metadata has no checksum to tie the copy to the checked snapshot: integrity_check runs.
                    Assert.Equal(minimal ? BackupVerifier.ProofIntegrityCheck : BackupVerifier.ProofChecksum, result.IntegrityProof);
                }
            }
        }

        [Fact]
        public void Test_skips_the_proven_integrity_check_runs_it_on_request_and_fails_a_corrupted_block()
        {
            using (var w = new Workspace(Jobs))
            {
                var info = w.Backup();
                var backup = new BackupCatalog(w.Store, w.BackupsPath).Get(info.Name, w.Context);
                var skipped = BackupVerifier.Test(backup, w.Store, w.Context, w.TempRoot);
                Assert.True(skipped.Passed);
                Assert.Equal(BackupVerifier.ProofChecksum, skipped.IntegrityProof);
                var run = BackupVerifier.Test(backup, w.Store, w.Context, w.TempRoot, integrityCheck: true);
                Assert.True(run.Passed);
                Assert.Equal(BackupVerifier.ProofIntegrityCheck, run.IntegrityProof);

                var body = Path.Combine(w.BackupsPath, info.Name);
                var bytes = File.ReadAllBytes(body);
                var at = GzipBlockIndex.HeaderLength + backup.BlockIndex.CompressedLengths[0] + 100;
                bytes[at] ^= 0x10;
                File.WriteAllBytes(body, bytes);
                var damaged = BackupVerifier.Test(backup, w.Store, w.Context, w.TempRoot);
                Assert.False(damaged.Passed);
                Assert.Contains(damaged.ErrorIds, id => id == ErrorIds.BackupCorrupt || id == ErrorIds.ChecksumMismatch);
            }
        }
    }
}
