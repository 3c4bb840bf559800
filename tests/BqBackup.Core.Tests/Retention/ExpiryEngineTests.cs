using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using BqBackup.Catalog;
using BqBackup.Retention;
using Xunit;

namespace BqBackup.Tests.Retention
{
    /// <summary>ExpiryEngine.Apply: every deletion, orphaned sidecars included, is put to the confirm callback first.</summary>
    public class ExpiryEngineTests
    {
        private const string Orphan = "backup-2026-01-01T00-00-00.db.gz.meta.json";

        private static (Workspace w, IReadOnlyList<RetentionDecision> decisions) Setup()
        {
            var w = new Workspace(jobs: 20);
            var now = DateTime.UtcNow;
            foreach (var days in new[] { 0, 10, 20 }) w.Backup(() => now.AddDays(-days));
            var orphan = Path.Combine(w.BackupsPath, Orphan);
            File.WriteAllText(orphan, "{}");
            File.SetLastWriteTimeUtc(orphan, now - ExpiryEngine.OrphanAge - TimeSpan.FromMinutes(1));
            var all = new BackupCatalog(w.Store, w.BackupsPath).List(w.Context);
            return (w, RetentionEvaluator.Evaluate(all, new RetentionPolicy { RetentionDays = 7 }, now));
        }

        private static string[] Files(Workspace w) => Directory.GetFiles(w.BackupsPath).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToArray();

        [Fact]
        public void A_confirm_that_says_no_deletes_nothing_orphans_included()
        {
            var (w, decisions) = Setup();
            using (w)
            {
                var before = Files(w);
                var asked = new List<(string target, string action)>();
                var outcomes = ExpiryEngine.Apply(w.Store, decisions, (t, a) => { asked.Add((t, a)); return false; }, w.Context);

                Assert.Equal(before, Files(w));
                Assert.Equal(3, asked.Count);   // the orphan, then the two expired backups
                Assert.StartsWith(Orphan + " in ", asked[0].target);
                Assert.Contains("orphaned sidecar", asked[0].action);
                Assert.All(asked.Skip(1), q => Assert.StartsWith("Remove backup (", q.action));
                Assert.Equal(3, outcomes.Count);
                Assert.All(outcomes, o => Assert.False(o.Removed));
            }
        }

        [Fact]
        public void A_confirm_that_says_yes_removes_the_expired_backups_and_the_orphan()
        {
            var (w, decisions) = Setup();
            using (w)
            {
                var streamed = new List<ExpiryOutcome>();
                var outcomes = ExpiryEngine.Apply(w.Store, decisions, (_, _) => true, w.Context, outcome: streamed.Add);

                Assert.Equal(outcomes, streamed);
                Assert.Equal(2, outcomes.Count(o => o.Removed));
                Assert.All(outcomes, o => Assert.Equal(!o.Decision.Keep, o.Removed));
                Assert.DoesNotContain(Orphan, Files(w));
                Assert.Single(new BackupCatalog(w.Store, w.BackupsPath).List(w.Context));
                Assert.Equal(2, Files(w).Length);   // the newest backup and its sidecar
            }
        }

        [Fact]
        public void Only_the_named_backups_are_considered_and_orphans_are_left_alone()
        {
            var (w, decisions) = Setup();
            using (w)
            {
                var oldest = decisions.Last().Backup.Name;
                var outcomes = ExpiryEngine.Apply(w.Store, decisions, (_, _) => true, w.Context, new HashSet<string> { oldest });

                Assert.Equal(oldest, Assert.Single(outcomes).Decision.Backup.Name);
                Assert.True(outcomes[0].Removed);
                Assert.Contains(Orphan, Files(w));
                Assert.Equal(2, new BackupCatalog(w.Store, w.BackupsPath).List(w.Context).Count);
            }
        }

        [Fact]
        public void A_failed_removal_is_an_outcome_and_the_next_backup_is_still_tried()
        {
            var (w, decisions) = Setup();
            using (w)
            {
                // The store acknowledges every delete and keeps everything.
                var store = new FaultyStore(w.Store) { IgnoreDeletes = true };
                var outcomes = ExpiryEngine.Apply(store, decisions, (_, _) => true, w.Context);

                var failed = outcomes.Where(o => o.Error != null).ToList();
                Assert.Equal(2, failed.Count);
                Assert.All(failed, o => Assert.Equal(ErrorIds.RemoveFailed, o.Error.ErrorId));
                Assert.All(outcomes, o => Assert.False(o.Removed));
            }
        }
    }
}
