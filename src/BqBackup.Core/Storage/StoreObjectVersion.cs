using System;

namespace BqBackup.Storage
{
    /// <summary>
    /// One version of an object in a store that keeps versions (a versioned S3 bucket): Key is
    /// relative to the store's root. A delete marker is the version a delete leaves on top; the
    /// object's data lives on in the versions under it.
    /// </summary>
    public sealed class StoreObjectVersion
    {
        public StoreObjectVersion(string key, string versionId, long size, DateTimeOffset lastModified, bool isLatest, bool isDeleteMarker)
        {
            Key = key;
            VersionId = versionId;
            Size = size;
            LastModified = lastModified;
            IsLatest = isLatest;
            IsDeleteMarker = isDeleteMarker;
        }

        public string Key { get; }
        /// <summary>The store's id of this version ("null" for an object written before versioning was turned on).</summary>
        public string VersionId { get; }
        public long Size { get; }
        public DateTimeOffset LastModified { get; }
        /// <summary>The version a plain read of the key returns (or, for a delete marker, the one that hides the key).</summary>
        public bool IsLatest { get; }
        public bool IsDeleteMarker { get; }
    }
}
