using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;

namespace BqBackup.Storage
{
    /// <summary>
    /// The one seam between the engine and where backups live (a folder, an S3 bucket). Keys are
    /// flat names relative to the store root. Implementations raise BqBackupException with a
    /// stable ErrorId for anything a user can act on, and never put a secret in a message.
    /// </summary>
    public interface IBackupStore : IDisposable
    {
        /// <summary>How the store is shown to people: a full folder path or s3://bucket/prefix/. No secrets.</summary>
        string Location { get; }

        /// <summary>Every object directly under the root (all pages), partial uploads excluded.</summary>
        IReadOnlyList<StoreObject> List(CancellationToken cancellation);

        /// <summary>Null when the key does not exist.</summary>
        StoreObject Stat(string key, CancellationToken cancellation);

        /// <summary>A forward-only stream of the object's bytes; BackupNotFound when missing.</summary>
        Stream OpenRead(string key, CancellationToken cancellation);

        /// <summary>
        /// Stores a small object (a sidecar, a status record) in one step. With overwrite false an
        /// existing key is refused with BackupNameConflict.
        /// </summary>
        void Put(string key, byte[] content, string contentType, bool overwrite, CancellationToken cancellation);

        /// <summary>
        /// Starts a streamed write of a large object that stays invisible under its key until
        /// Commit; disposing an upload that was not committed removes every trace of it.
        /// </summary>
        IStoreUpload BeginUpload(string key, string contentType, CancellationToken cancellation);

        /// <summary>Deletes the key; a key that is already gone is not an error.</summary>
        void Delete(string key, CancellationToken cancellation);
    }
}
