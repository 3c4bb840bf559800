using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;

namespace BqBackup.Storage
{
    public interface IStoreUpload : IDisposable
    {
        /// <summary>Write-only; written sequentially by the engine.</summary>
        Stream Content { get; }

        /// <summary>
        /// Makes the object visible under its key (the commit point of a backup). Refuses to
        /// replace an existing object where the store can tell (BackupNameConflict).
        /// </summary>
        void Commit(CancellationToken cancellation);
    }
}
