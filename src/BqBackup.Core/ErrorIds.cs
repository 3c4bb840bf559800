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
    }
}
