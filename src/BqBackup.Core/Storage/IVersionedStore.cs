using System.Collections.Generic;
using System.IO;
using System.Threading;

namespace BqBackup.Storage
{
    /// <summary>
    /// A store that can keep old versions of its objects (an S3 bucket; whether this one does is the
    /// bucket's versioning setting). Deleting a key there leaves a delete marker over the old
    /// version, which these calls still reach: the recovery path after backups were deleted.
    /// </summary>
    public interface IVersionedStore
    {
        /// <summary>Every version and delete marker directly under the root (all pages); unsafe keys excluded.</summary>
        IReadOnlyList<StoreObjectVersion> ListVersions(CancellationToken cancellation);

        /// <summary>A forward-only stream of one version's bytes; BackupNotFound when that version does not exist.</summary>
        Stream OpenRead(string key, string versionId, CancellationToken cancellation);
    }
}
