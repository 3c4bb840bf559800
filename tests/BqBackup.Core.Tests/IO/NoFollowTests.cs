using System;
using System.IO;
using BqBackup.IO;
using Xunit;

namespace BqBackup.Tests.IO
{
    /// <summary>Files BqBackup makes are made exclusively, private, and never through a link planted at their name.</summary>
    public class NoFollowTests
    {
        [Fact]
        public void CreatePrivate_makes_a_0600_file()
        {
            using (var t = new TempDir())
            {
                var path = t.File("f");
                NativeFile.CreatePrivate(path).Dispose();
                Assert.Equal(0x180u, NativeFile.TryGetMode(path));
            }
        }

        [Fact]
        public void CreatePrivate_refuses_a_planted_link_and_creates_nothing_where_it_points()
        {
            using (var t = new TempDir())
            {
                var victim = t.File("victim");
                var path = t.File("planted");
                File.CreateSymbolicLink(path, victim);
                var e = Assert.Throws<BqBackupException>(() => NativeFile.CreatePrivate(path).Dispose());
                Assert.Equal(ErrorIds.LinkRefused, e.ErrorId);
                Assert.Equal(BqErrorCategory.SecurityError, e.Category);
                Assert.Equal(path, e.TargetObject);
                Assert.Contains(victim, e.Message);
                Assert.False(File.Exists(victim));
            }
        }

        [Fact]
        public void A_lock_file_planted_as_a_link_is_refused_and_not_followed()
        {
            using (var t = new TempDir())
            {
                var victim = t.File("nologin");
                var path = t.File(".queue.db.bqrestore.lock");
                File.CreateSymbolicLink(path, victim);
                var e = Assert.Throws<BqBackupException>(() => LockFile.TryAcquire(path));
                Assert.Equal(ErrorIds.LinkRefused, e.ErrorId);
                Assert.False(File.Exists(victim));
            }
        }

        [Fact]
        public void A_lock_left_by_a_killed_run_is_taken_over_and_a_held_one_is_not()
        {
            using (var t = new TempDir())
            {
                var path = t.File(".queue.db.bqrestore.lock");
                File.WriteAllText(path, "");
                using (var first = LockFile.TryAcquire(path))
                {
                    Assert.NotNull(first);
                    Assert.Null(LockFile.TryAcquire(path));
                }
                Assert.False(File.Exists(path));
                using (var again = LockFile.TryAcquire(path)) Assert.NotNull(again);
            }
        }

        [Fact]
        public void MoveNoReplace_moves_a_link_as_a_link_and_never_replaces_or_follows_one()
        {
            using (var t = new TempDir())
            {
                var victim = t.File("victim");
                var dangling = t.File("queue.db-wal");
                File.CreateSymbolicLink(dangling, victim);
                NativeFile.MoveNoReplace(dangling, t.File("queue.db-wal.corrupted"));
                Assert.True(NativeFile.IsLinkOrReparsePoint(t.File("queue.db-wal.corrupted")));
                Assert.False(NativeFile.ExistsNoFollow(dangling));

                File.WriteAllText(t.File("a"), "a");
                File.CreateSymbolicLink(t.File("b"), victim);
                Assert.Throws<IOException>(() => NativeFile.MoveNoReplace(t.File("a"), t.File("b")));
                Assert.False(File.Exists(victim));
                Assert.True(File.Exists(t.File("a")));
            }
        }

        [Fact]
        public void The_space_margin_is_a_tenth_and_64_MiB()
        {
            Assert.Equal(64L << 20, FreeSpace.WithMargin(0));
            Assert.Equal(1000 + 100 + (64L << 20), FreeSpace.WithMargin(1000));
            Assert.Equal(long.MaxValue, FreeSpace.WithMargin(long.MaxValue - 5));
        }

        [Fact]
        public void A_full_disk_is_told_apart_from_other_write_errors()
        {
            Assert.True(FreeSpace.IsDiskFull(new IOException("No space left on device", 28)));
            Assert.False(FreeSpace.IsDiskFull(new IOException("Permission denied", 13)));
        }
    }
}
