using System.IO;
using System.Linq;
using BqBackup.Storage;
using Xunit;

namespace BqBackup.Tests.Storage
{
    public sealed class FolderStoreTests : StoreContractTests
    {
        private readonly TempDir temp = new TempDir();

        protected override IBackupStore CreateStore() => new FolderStore(temp.Dir("store-" + System.Guid.NewGuid().ToString("N")), create: true);

        protected override void AssertNoLeftovers(IBackupStore store) =>
            Assert.Empty(Directory.GetFileSystemEntries(((FolderStore)store).Root));

        public override void Dispose() => temp.Dispose();

        [Fact]
        public void Objects_are_private_to_their_owner()
        {
            using (var store = (FolderStore)CreateStore())
            {
                store.Put("k", new byte[] { 1 }, "x", false, None);
                var mode = File.GetUnixFileMode(Path.Combine(store.Root, "k"));
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
            }
        }

        [Fact]
        public void A_missing_folder_is_DestinationNotFound_unless_creating()
        {
            var missing = temp.File("missing");
            var e = Assert.Throws<BqBackupException>(() => new FolderStore(missing, create: false));
            Assert.Equal(ErrorIds.DestinationNotFound, e.ErrorId);
            Assert.Equal(missing, e.TargetObject);
            new FolderStore(missing, create: true).Dispose();
            Assert.True(Directory.Exists(missing));
        }

        [Fact]
        public void Partial_uploads_are_not_listed()
        {
            using (var store = (FolderStore)CreateStore())
            using (var upload = store.BeginUpload("b.db.gz", "x", None))
            {
                upload.Content.WriteByte(1);
                upload.Content.Flush();
                Assert.Single(Directory.GetFiles(store.Root));
                Assert.Empty(store.List(None));
            }
        }
    }
}
