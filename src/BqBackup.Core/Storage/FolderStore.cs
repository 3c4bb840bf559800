using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using BqBackup.IO;

namespace BqBackup.Storage
{
    /// <summary>
    /// Backups in a local or mounted folder. Writes go to a hidden partial file in the same folder
    /// and become visible by rename, so a reader never sees half an object. Files are 0600 from
    /// their first moment: a backup holds every job's payload. Partial files are created
    /// exclusively and renames replace a name, never follow it: a symbolic link planted at a
    /// partial name is LinkRefused, one at a sidecar's or the status record's name is replaced.
    /// </summary>
    public sealed class FolderStore : IBackupStore
    {
        internal const string PartialMarker = ".partial-";

        public FolderStore(string folder, bool create)
        {
            Root = Path.GetFullPath(folder);
            if (File.Exists(Root))
                throw new BqBackupException(ErrorIds.InvalidDestination, BqErrorCategory.InvalidArgument,
                    $"The destination '{Root}' is a file, not a folder.", Root,
                    "Give a folder (it is created if missing when backing up) or an s3://bucket/prefix URL.");
            if (!Directory.Exists(Root))
            {
                if (!create)
                    throw new BqBackupException(ErrorIds.DestinationNotFound, BqErrorCategory.ObjectNotFound,
                        $"The destination folder '{Root}' does not exist.", Root,
                        "Check the path; New-BqBackup creates the folder on its first backup.");
                try { Directory.CreateDirectory(Root); }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    throw NotWritable(e);
                }
            }
        }

        public string Root { get; }
        public string Location => Root;

        public IReadOnlyList<StoreObject> List(CancellationToken cancellation)
        {
            try
            {
                return new DirectoryInfo(Root).EnumerateFiles()
                    .Where(f => !f.Name.StartsWith("."))
                    .Select(f => new StoreObject(f.Name, f.Length, new DateTimeOffset(f.LastWriteTimeUtc)))
                    .ToList();
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new BqBackupException(ErrorIds.StoreError, BqErrorCategory.ReadError,
                    $"Cannot list the destination folder '{Root}': {e.Message}", Root,
                    "Check that the folder exists and that this user may read it.", e);
            }
        }

        public StoreObject Stat(string key, CancellationToken cancellation)
        {
            var file = new FileInfo(PathOf(key));
            return file.Exists ? new StoreObject(key, file.Length, new DateTimeOffset(file.LastWriteTimeUtc)) : null;
        }

        public Stream OpenRead(string key, CancellationToken cancellation)
        {
            var path = PathOf(key);
            try
            {
                return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 20, FileOptions.SequentialScan);
            }
            catch (FileNotFoundException e)
            {
                throw new BqBackupException(ErrorIds.BackupNotFound, BqErrorCategory.ObjectNotFound,
                    $"'{key}' does not exist in '{Root}'.", key, "List the backups with Get-BqBackup and pick an existing name.", e);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new BqBackupException(ErrorIds.StoreError, BqErrorCategory.ReadError,
                    $"Cannot read '{path}': {e.Message}", key, "Check the file's permissions.", e);
            }
        }

        public void Put(string key, byte[] content, string contentType, bool overwrite, CancellationToken cancellation)
        {
            using (var upload = (FolderUpload)BeginUpload(key, contentType, cancellation))
            {
                upload.Content.Write(content, 0, content.Length);
                upload.Commit(overwrite, cancellation);
            }
        }

        public IStoreUpload BeginUpload(string key, string contentType, CancellationToken cancellation)
        {
            var final = PathOf(key);
            var partial = Path.Combine(Root, "." + key + PartialMarker + Guid.NewGuid().ToString("N"));
            // Recorded before it exists, so a kill at any moment leaves a record the next run can clean by.
            var inFlight = State.InFlightRegistry.ForCurrentUser().Register(State.InFlightRecord.ForPartial(Root, partial));
            try
            {
                return new FolderUpload(this, key, final, partial, NativeFile.CreatePrivate(partial, 1 << 20), inFlight);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                inFlight.Release();
                throw NotWritable(e);
            }
            catch
            {
                inFlight.Release();
                throw;
            }
        }

        public void Delete(string key, CancellationToken cancellation)
        {
            var path = PathOf(key);
            try { File.Delete(path); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new BqBackupException(ErrorIds.RemoveFailed, BqErrorCategory.WriteError,
                    $"Cannot delete '{path}': {e.Message}", key, "Check that this user may write to the destination folder.", e);
            }
        }

        public void Dispose() { }

        private string PathOf(string key) => Path.Combine(Root, StoreKeys.Validate(key));

        private BqBackupException NotWritable(Exception e) =>
            new BqBackupException(ErrorIds.DestinationNotWritable, BqErrorCategory.WriteError,
                $"Cannot write to the destination folder '{Root}': {e.Message}", Root,
                "Choose a folder this user may write to, or fix its permissions.", e);

        private sealed class FolderUpload : IStoreUpload
        {
            private readonly FolderStore store;
            private readonly string key, final, partial;
            private readonly FileStream stream;
            private readonly State.InFlightTicket inFlight;
            private bool committed;

            public FolderUpload(FolderStore store, string key, string final, string partial, FileStream stream, State.InFlightTicket inFlight)
            {
                this.inFlight = inFlight;
                this.store = store;
                this.key = key;
                this.final = final;
                this.partial = partial;
                this.stream = stream;
            }

            public Stream Content => stream;

            public void Commit(CancellationToken cancellation) => Commit(false, cancellation);

            public void Commit(bool overwrite, CancellationToken cancellation)
            {
                cancellation.ThrowIfCancellationRequested();
                try
                {
                    stream.Flush(true);
                    stream.Dispose();
                    if (overwrite) NativeFile.ReplaceAtomically(partial, final);
                    else NativeFile.MoveNoReplace(partial, final); // linkat+unlink: never replaces or follows an existing name
                    committed = true;
                }
                catch (IOException e) when (!overwrite && File.Exists(final))
                {
                    throw new BqBackupException(ErrorIds.BackupNameConflict, BqErrorCategory.WriteError,
                        $"'{key}' already exists in '{store.Root}'; it was not replaced.", key,
                        "Another backup of the same name was written at the same moment; run the backup again.", e);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    throw store.NotWritable(e);
                }
            }

            public void Dispose()
            {
                stream.Dispose();
                if (!committed) NativeFile.TryDelete(partial);
                if (!committed && NativeFile.ExistsNoFollow(partial)) inFlight.Abandon();
                else inFlight.Release();
            }
        }
    }
}
