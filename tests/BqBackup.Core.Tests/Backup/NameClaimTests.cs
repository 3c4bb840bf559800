using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using BqBackup.Backup;
using BqBackup.Catalog;
using BqBackup.Storage;
using Xunit;

namespace BqBackup.Tests.Backup
{
    /// <summary>
    /// What a store without conditional writes allows: a second writer replacing a claimed sidecar.
    /// The run that lost its name moves on to the next and never deletes what the other wrote.
    /// </summary>
    public class NameClaimTests
    {
        private static readonly DateTime Second = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        private static readonly byte[] Stranger = Encoding.UTF8.GetBytes("{\"claim\":true,\"runId\":\"another-run\"}");

        [Fact]
        public void A_claim_replaced_at_once_by_another_writer_is_given_up_for_the_next_name()
        {
            using (var w = new Workspace())
            {
                var first = BackupNaming.MetadataNameFor(BackupNaming.NameFor(Second, 1));
                var store = new InterferingStore(w.Store)
                {
                    AfterPut = (key, overwrite) => { if (key == first && !overwrite) w.Store.Put(first, Stranger, "application/json", overwrite: true, default); },
                };
                var info = BackupEngine.Run(w.Database, store, w.BackupsPath, w.Options(() => Second), w.Context);
                Assert.Equal(BackupNaming.NameFor(Second, 2), info.Name);
                Assert.Equal(Stranger, File.ReadAllBytes(Path.Combine(w.BackupsPath, first)));
            }
        }

        [Fact]
        public void A_name_lost_during_the_upload_is_stored_again_under_the_next_and_the_other_sidecar_stays()
        {
            using (var w = new Workspace())
            {
                var first = BackupNaming.MetadataNameFor(BackupNaming.NameFor(Second, 1));
                var store = new InterferingStore(w.Store)
                {
                    OnBeginUpload = key => { if (key == BackupNaming.NameFor(Second, 1)) w.Store.Put(first, Stranger, "application/json", overwrite: true, default); },
                };
                var info = BackupEngine.Run(w.Database, store, w.BackupsPath, w.Options(() => Second), w.Context);
                Assert.Equal(BackupNaming.NameFor(Second, 2), info.Name);
                Assert.Equal(Stranger, File.ReadAllBytes(Path.Combine(w.BackupsPath, first)));
                Assert.False(File.Exists(Path.Combine(w.BackupsPath, BackupNaming.NameFor(Second, 1))));
                var listed = Assert.Single(new BackupCatalog(w.Store, w.BackupsPath).List(w.Context));
                Assert.Equal(BackupStatus.Ok, listed.Status);
                Assert.Equal(info.Sha256, listed.Sha256);
                Assert.DoesNotContain(Directory.GetFiles(w.BackupsPath), f => Path.GetFileName(f).StartsWith("."));
            }
        }

        [Fact]
        public void A_failed_backup_whose_sidecar_another_writer_replaced_leaves_that_sidecar_alone()
        {
            using (var w = new Workspace())
            {
                var first = BackupNaming.MetadataNameFor(BackupNaming.NameFor(Second, 1));
                var store = new InterferingStore(w.Store)
                {
                    OnBeginUpload = key => w.Store.Put(first, Stranger, "application/json", overwrite: true, default),
                    FailUploads = true,
                };
                var e = Assert.Throws<BqBackupException>(() => BackupEngine.Run(w.Database, store, w.BackupsPath, w.Options(() => Second), w.Context));
                Assert.Equal(ErrorIds.StoreError, e.ErrorId);
                Assert.Equal(Stranger, File.ReadAllBytes(Path.Combine(w.BackupsPath, first)));
            }
        }

        internal sealed class InterferingStore : IBackupStore
        {
            private readonly IBackupStore inner;
            public InterferingStore(IBackupStore inner) { this.inner = inner; }

            public Action<string, bool> AfterPut { get; set; }
            public Action<string> OnBeginUpload { get; set; }
            public bool FailUploads { get; set; }

            public string Location => inner.Location;
            public IReadOnlyList<StoreObject> List(CancellationToken c) => inner.List(c);
            public StoreObject Stat(string key, CancellationToken c) => inner.Stat(key, c);
            public Stream OpenRead(string key, CancellationToken c) => inner.OpenRead(key, c);
            public void Delete(string key, CancellationToken c) => inner.Delete(key, c);
            public void Dispose() { }

            public void Put(string key, byte[] content, string type, bool overwrite, CancellationToken c)
            {
                inner.Put(key, content, type, overwrite, c);
                AfterPut?.Invoke(key, overwrite);
            }

            public IStoreUpload BeginUpload(string key, string type, CancellationToken c)
            {
                OnBeginUpload?.Invoke(key);
                if (FailUploads) throw new BqBackupException(ErrorIds.StoreError, BqErrorCategory.WriteError, "injected upload failure", key, "none");
                return inner.BeginUpload(key, type, c);
            }
        }
    }
}
