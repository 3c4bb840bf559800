using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.Json.Nodes;
using BqBackup.Catalog;
using BqBackup.Copy;
using BqBackup.Storage;
using Xunit;

namespace BqBackup.Tests.Copy
{
    public class BackupCopierTests
    {
        private static CopyResult CopyOne(Workspace w, BackupInfo backup, IBackupStore target, string targetPath)
        {
            var plan = BackupCopier.Plan(backup, w.Store, w.BackupsPath, target, targetPath, new CopyOptions(), w.Context);
            return BackupCopier.Execute(plan, w.Store, target, new CopyOptions(), w.Context);
        }

        private static string[] AllFiles(string folder) =>
            Directory.EnumerateFiles(folder, "*", new EnumerationOptions { AttributesToSkip = 0 }).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToArray();

        [Fact]
        public void A_copy_is_the_source_body_and_sidecar_byte_for_byte_and_lists_as_the_same_backup()
        {
            using (var w = new Workspace())
            {
                var backup = w.Backup();
                var targetPath = w.Dir("copy");
                using (var target = new FolderStore(targetPath, create: false))
                {
                    var result = CopyOne(w, backup, target, targetPath);
                    Assert.Equal(CopyAction.Copied, result.Action);
                    Assert.True(result.ChecksumVerified);
                    Assert.Equal(File.ReadAllBytes(Path.Combine(w.BackupsPath, backup.Name)), File.ReadAllBytes(Path.Combine(targetPath, backup.Name)));
                    Assert.Equal(File.ReadAllBytes(Path.Combine(w.BackupsPath, backup.Name + ".meta.json")), File.ReadAllBytes(Path.Combine(targetPath, backup.Name + ".meta.json")));
                    var listed = Assert.Single(new BackupCatalog(target, targetPath).List(w.Context));
                    Assert.Equal(backup.Sha256, listed.Sha256);
                    Assert.Equal(BackupStatus.Ok, listed.Status);
                    Assert.Equal(targetPath, result.Backup.Destination);
                }
            }
        }

        [Fact]
        public void A_second_copy_is_a_skip_and_Missing_lists_only_what_the_target_lacks()
        {
            using (var w = new Workspace())
            {
                var older = w.Backup();
                var newer = w.Backup();
                var targetPath = w.Dir("copy");
                using (var target = new FolderStore(targetPath, create: false))
                {
                    CopyOne(w, older, target, targetPath);
                    var before = File.GetLastWriteTimeUtc(Path.Combine(targetPath, older.Name));
                    Assert.Equal(CopyAction.Skipped, CopyOne(w, older, target, targetPath).Action);
                    Assert.Equal(before, File.GetLastWriteTimeUtc(Path.Combine(targetPath, older.Name)));

                    var missing = BackupCopier.Missing(new BackupCatalog(w.Store, w.BackupsPath).List(w.Context), new BackupCatalog(target, targetPath).List(w.Context));
                    Assert.Equal(new[] { newer.Name }, missing.Select(b => b.Name));
                }
            }
        }

        [Fact]
        public void A_tampered_body_is_refused_before_anything_is_committed_and_leaves_no_file_in_the_target()
        {
            using (var w = new Workspace())
            {
                var backup = w.Backup();
                var body = Path.Combine(w.BackupsPath, backup.Name);
                var raw = Db.Gunzip(body);
                raw[raw.Length / 2] ^= 0xFF;
                using (var f = File.Create(body))
                using (var g = new GZipStream(f, CompressionLevel.Fastest))
                    g.Write(raw, 0, raw.Length);
                // The attacker fixes the sizes too: only the checksum can tell.
                var metaPath = body + ".meta.json";
                var meta = JsonNode.Parse(File.ReadAllText(metaPath));
                meta["compressedSize"] = new FileInfo(body).Length;
                File.WriteAllText(metaPath, meta.ToJsonString());
                var tampered = new BackupCatalog(w.Store, w.BackupsPath).Get(backup.Name, w.Context);

                var targetPath = w.Dir("copy");
                using (var target = new FolderStore(targetPath, create: false))
                {
                    var e = Assert.Throws<BqBackupException>(() => CopyOne(w, tampered, target, targetPath));
                    Assert.Equal(ErrorIds.ChecksumMismatch, e.ErrorId);
                    Assert.Contains("Nothing was committed", e.Message);
                    Assert.Empty(AllFiles(targetPath));
                }
            }
        }

        [Fact]
        public void A_different_backup_of_that_name_in_the_target_is_CopyTargetDiffers_and_stays_as_it_was()
        {
            using (var w = new Workspace())
            {
                var backup = w.Backup();
                var other = w.Backup();
                var targetPath = w.Dir("copy");
                File.Copy(Path.Combine(w.BackupsPath, other.Name), Path.Combine(targetPath, backup.Name));
                File.Copy(Path.Combine(w.BackupsPath, other.Name + ".meta.json"), Path.Combine(targetPath, backup.Name + ".meta.json"));
                var before = File.ReadAllBytes(Path.Combine(targetPath, backup.Name + ".meta.json"));
                using (var target = new FolderStore(targetPath, create: false))
                {
                    var e = Assert.Throws<BqBackupException>(() => CopyOne(w, backup, target, targetPath));
                    Assert.Equal(ErrorIds.CopyTargetDiffers, e.ErrorId);
                    Assert.Equal(BqErrorCategory.ResourceExists, e.Category);
                    Assert.Equal(before, File.ReadAllBytes(Path.Combine(targetPath, backup.Name + ".meta.json")));
                }
            }
        }

        [Fact]
        public void Another_backups_sidecar_alone_under_that_name_is_CopyTargetDiffers_but_this_ones_is_finished()
        {
            using (var w = new Workspace())
            {
                var backup = w.Backup();
                var other = w.Backup();
                var targetPath = w.Dir("copy");
                var sidecar = Path.Combine(targetPath, backup.Name + ".meta.json");
                File.Copy(Path.Combine(w.BackupsPath, other.Name + ".meta.json"), sidecar);
                using (var target = new FolderStore(targetPath, create: false))
                {
                    Assert.Equal(ErrorIds.CopyTargetDiffers, Assert.Throws<BqBackupException>(() => CopyOne(w, backup, target, targetPath)).ErrorId);

                    // What an interrupted copy of this very backup leaves: its sidecar, no body.
                    File.Copy(Path.Combine(w.BackupsPath, backup.Name + ".meta.json"), sidecar, overwrite: true);
                    Assert.Equal(CopyAction.Copied, CopyOne(w, backup, target, targetPath).Action);
                    Assert.Equal(File.ReadAllBytes(Path.Combine(w.BackupsPath, backup.Name)), File.ReadAllBytes(Path.Combine(targetPath, backup.Name)));
                }
            }
        }

        [Fact]
        public void A_body_that_cannot_commit_takes_its_sidecar_away_so_nothing_lists()
        {
            using (var w = new Workspace())
            {
                var backup = w.Backup();
                var targetPath = w.Dir("copy");
                using (var target = new FaultyStore(new FolderStore(targetPath, create: false)) { FailCommit = true })
                {
                    Assert.Equal(ErrorIds.StoreError, Assert.Throws<BqBackupException>(() => CopyOne(w, backup, target, targetPath)).ErrorId);
                    Assert.Empty(AllFiles(targetPath));
                    Assert.Empty(new BackupCatalog(target, targetPath).List(w.Context));
                }
            }
        }

        [Fact]
        public void A_backup_without_its_sidecar_is_not_copied()
        {
            using (var w = new Workspace())
            {
                var backup = w.Backup();
                File.Delete(Path.Combine(w.BackupsPath, backup.Name + ".meta.json"));
                var listed = new BackupCatalog(w.Store, w.BackupsPath).Get(backup.Name, w.Context);
                var targetPath = w.Dir("copy");
                using (var target = new FolderStore(targetPath, create: false))
                {
                    Assert.Equal(ErrorIds.BackupMetadataMissing, Assert.Throws<BqBackupException>(() => CopyOne(w, listed, target, targetPath)).ErrorId);
                    Assert.Empty(AllFiles(targetPath));
                }
            }
        }

        [Fact]
        public void The_same_folder_on_both_sides_is_CopySameDestination()
        {
            using (var w = new Workspace())
            using (var again = new FolderStore(w.BackupsPath, create: false))
            {
                var e = Assert.Throws<BqBackupException>(() => BackupCopier.RefuseSameStore(w.Store, w.BackupsPath, again, w.BackupsPath));
                Assert.Equal(ErrorIds.CopySameDestination, e.ErrorId);
            }
        }

        [Fact]
        public void A_target_folder_that_does_not_exist_yet_plans_a_copy_without_creating_it()
        {
            using (var w = new Workspace())
            {
                var backup = w.Backup();
                var targetPath = Path.Combine(w.Dir("parent"), "not-yet");
                var plan = BackupCopier.Plan(backup, w.Store, w.BackupsPath, null, targetPath, new CopyOptions(), w.Context);
                Assert.Equal(CopyAction.Copied, plan.Action);
                Assert.Contains(backup.Name, plan.Describe());
                Assert.False(Directory.Exists(targetPath));
            }
        }
    }
}
