using System;

namespace BqBackup
{
    /// <summary>The stable error identifiers, documented in the README's error table.</summary>
    public static class ErrorIds
    {
        public const string DatabaseNotFound = "DatabaseNotFound";
        public const string DatabasePathRequired = "DatabasePathRequired";
        public const string InvalidPath = "InvalidPath";
        public const string NotASqliteDatabase = "NotASqliteDatabase";
        public const string NotABunqueueDatabase = "NotABunqueueDatabase";
        public const string SnapshotFailed = "SnapshotFailed";
        public const string SourceEmpty = "SourceEmpty";
        public const string SourceIntegrityCheckFailed = "SourceIntegrityCheckFailed";
        public const string DestinationRequired = "DestinationRequired";
        public const string InvalidDestination = "InvalidDestination";
        public const string DestinationConflict = "DestinationConflict";
        public const string InputObjectIncomplete = "InputObjectIncomplete";
        public const string DestinationNotFound = "DestinationNotFound";
        public const string DestinationNotWritable = "DestinationNotWritable";
        public const string BackupNameConflict = "BackupNameConflict";
        public const string BackupNotFound = "BackupNotFound";
        public const string NoBackupFound = "NoBackupFound";
        public const string InvalidNamePattern = "InvalidNamePattern";
        public const string AmbiguousBackupName = "AmbiguousBackupName";
        public const string BackupMetadataMissing = "BackupMetadataMissing";
        public const string BackupMetadataInvalid = "BackupMetadataInvalid";
        public const string BackupCorrupt = "BackupCorrupt";
        public const string ChecksumMismatch = "ChecksumMismatch";
        public const string SizeMismatch = "SizeMismatch";
        public const string BackupIntegrityCheckFailed = "BackupIntegrityCheckFailed";
        public const string RestoreTargetFolderNotFound = "RestoreTargetFolderNotFound";
        public const string RestoreTargetIsDirectory = "RestoreTargetIsDirectory";
        public const string DatabaseInUse = "DatabaseInUse";
        public const string RestoreFailed = "RestoreFailed";
        public const string RestoreInProgress = "RestoreInProgress";
        public const string MultipleBackupsForOneTarget = "MultipleBackupsForOneTarget";
        public const string RestoreTargetUnsafe = "RestoreTargetUnsafe";
        public const string RestoreTargetInBackupFolder = "RestoreTargetInBackupFolder";
        public const string LinkRefused = "LinkRefused";
        public const string InsufficientSpace = "InsufficientSpace";
        public const string MaxSizeExceeded = "MaxSizeExceeded";
        public const string TempFolderNotWritable = "TempFolderNotWritable";
        public const string InvalidRetention = "InvalidRetention";
        public const string RetentionWouldRemoveAll = "RetentionWouldRemoveAll";
        public const string InvalidInterval = "InvalidInterval";
        public const string RemoveFailed = "RemoveFailed";
        public const string BunqueueBackupProtected = "BunqueueBackupProtected";
        public const string StoreError = "StoreError";
        public const string InvalidCredentials = "InvalidCredentials";
        public const string BucketNotFound = "BucketNotFound";
        public const string EndpointUnreachable = "EndpointUnreachable";
        public const string EndpointHasCredentials = "EndpointHasCredentials";
        public const string UnsafeKey = "UnsafeKey";
        public const string InvalidScheduleName = "InvalidScheduleName";
        public const string InvalidScheduleSetting = "InvalidScheduleSetting";
        public const string SecretOnCommandLine = "SecretOnCommandLine";
        public const string EnvironmentFileNotFound = "EnvironmentFileNotFound";
        public const string ScheduleExists = "ScheduleExists";
        public const string ScheduleNotFound = "ScheduleNotFound";
        public const string ScheduleWriteFailed = "ScheduleWriteFailed";
        public const string ScheduleCommandFailed = "ScheduleCommandFailed";
        /// <summary>BQBACKUP_COMPRESSION names no compression (Gzip or Zstd). (InvalidArgument)</summary>
        public const string InvalidCompression = "InvalidCompression";

        // age encryption (src/BqBackup.Core/Codec/Age): no message ever contains a key, an identity or a passphrase.
        /// <summary>The header cannot be parsed: not an age file, another version, a malformed line or stanza, non-canonical base64, an scrypt stanza beside others. (InvalidData)</summary>
        public const string AgeHeaderInvalid = "AgeHeaderInvalid";
        /// <summary>The file is ASCII-armored (PEM "AGE ENCRYPTED FILE"); backups are always binary age, armor is not read. (InvalidData)</summary>
        public const string AgeArmorNotSupported = "AgeArmorNotSupported";
        /// <summary>The header MAC does not match: the header was altered after it was written. (SecurityError)</summary>
        public const string AgeHeaderMacMismatch = "AgeHeaderMacMismatch";
        /// <summary>None of the identities given opens the file: a wrong key or passphrase, or a file encrypted to other recipients. (AuthenticationError)</summary>
        public const string AgeNoMatchingIdentity = "AgeNoMatchingIdentity";
        /// <summary>A payload chunk failed authentication (a flipped byte, chunks reordered, dropped or swapped, a final chunk too early, a file cut in the middle of a chunk). (SecurityError)</summary>
        public const string AgeBodyTampered = "AgeBodyTampered";
        /// <summary>The payload ends where the format proves more was due: no nonce, no chunk, a partial tag, or a non-final chunk last. (InvalidData)</summary>
        public const string AgeBodyTruncated = "AgeBodyTruncated";
        /// <summary>Bytes follow the final chunk. (InvalidData)</summary>
        public const string AgeTrailingData = "AgeTrailingData";
        /// <summary>An identity (AGE-SECRET-KEY-1…) or an identities file cannot be read, or is of a kind not supported. (InvalidArgument)</summary>
        public const string AgeIdentityInvalid = "AgeIdentityInvalid";
        /// <summary>A recipient (age1…) or a recipients file cannot be read, is of a kind not supported, or recipients are mixed in a way age forbids. (InvalidArgument)</summary>
        public const string AgeRecipientInvalid = "AgeRecipientInvalid";
        /// <summary>Encrypting needs at least one recipient, decrypting at least one identity. (InvalidArgument)</summary>
        public const string AgeRecipientRequired = "AgeRecipientRequired";
        /// <summary>See <see cref="AgeRecipientRequired"/>. (InvalidArgument)</summary>
        public const string AgeIdentityRequired = "AgeIdentityRequired";
        /// <summary>The file's scrypt work factor is above the limit this reader accepts (22 by default). (InvalidData)</summary>
        public const string AgePassphraseWorkFactorTooHigh = "AgePassphraseWorkFactorTooHigh";
        /// <summary>A backup version (VersionId) was asked of a store that keeps no versions, e.g. a folder. (InvalidArgument)</summary>
        public const string VersionsNotSupported = "VersionsNotSupported";

        // S3 Object Lock and versioned buckets (src/BqBackup.Core/Locking).
        /// <summary>-LockMode/-LockDays/-LockUntil (or BQBACKUP_LOCK_*) half given, out of range, or asked of a folder. (InvalidArgument)</summary>
        public const string InvalidLockSetting = "InvalidLockSetting";
        /// <summary>A lock was asked of a bucket without Object Lock; nothing was written. (InvalidOperation)</summary>
        public const string ObjectLockNotEnabled = "ObjectLockNotEnabled";
        /// <summary>A delete that an object's lock forbids was refused (before it was sent, or by the store). (PermissionDenied)</summary>
        public const string ObjectLocked = "ObjectLocked";
        /// <summary>A delete with the governance bypass was refused: the credentials lack s3:BypassGovernanceRetention. (PermissionDenied)</summary>
        public const string GovernanceBypassDenied = "GovernanceBypassDenied";
        /// <summary>The backup was stored but the store did not keep the lock asked for (and would not take it afterwards). (WriteError)</summary>
        public const string ObjectLockNotApplied = "ObjectLockNotApplied";

        // Copy-BqBackup (src/BqBackup.Core/Copy)
        /// <summary>The target already holds another backup (or another backup's sidecar) of that name; a copy never overwrites. (ResourceExists)</summary>
        public const string CopyTargetDiffers = "CopyTargetDiffers";
        /// <summary>The source and the target of a copy are the same store. (InvalidArgument)</summary>
        public const string CopySameDestination = "CopySameDestination";
        /// <summary>A piped object's StoreSettings (from a BackupInfo's CSV or JSON export) cannot be read. (InvalidArgument)</summary>
        public const string InvalidStoreSettings = "InvalidStoreSettings";
    }
}
