using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.Data.Sqlite;

namespace BqBackup.Snapshot
{
    internal static class SqliteFiles
    {
        public const int SqliteNotADatabase = 26;
        public const int SqliteCorrupt = 11;
        public const int SqliteBusy = 5;
        public const int SqliteInterrupt = 9;

        /// <summary>The companions SQLite may keep beside a database; they belong to it.</summary>
        public static readonly string[] CompanionSuffixes = { "-wal", "-shm", "-journal" };

        public static IEnumerable<string> WithCompanions(string databasePath)
        {
            yield return databasePath;
            foreach (var suffix in CompanionSuffixes) yield return databasePath + suffix;
        }

        /// <summary>
        /// A connection that cannot write to the file. Pooling is off so the file is released
        /// (and can be renamed or deleted) the moment the connection is disposed.
        /// </summary>
        public static SqliteConnection OpenReadOnly(string path, int busyTimeoutMs = 30000)
        {
            var builder = new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadOnly,
                Pooling = false,
                DefaultTimeout = Math.Max(30, busyTimeoutMs / 1000),
            };
            var connection = new SqliteConnection(builder.ToString());
            try
            {
                connection.Open();
                Execute(connection, $"PRAGMA busy_timeout = {busyTimeoutMs}");
                return connection;
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        public static SqliteConnection OpenReadWriteCreate(string path)
        {
            var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Pooling = false,
            }.ToString());
            connection.Open();
            return connection;
        }

        public static void Execute(SqliteConnection connection, string sql)
        {
            using (var command = connection.CreateCommand())
            {
                command.CommandText = sql;
                command.ExecuteNonQuery();
            }
        }

        public static object Scalar(SqliteConnection connection, string sql)
        {
            using (var command = connection.CreateCommand())
            {
                command.CommandText = sql;
                return command.ExecuteScalar();
            }
        }

        /// <summary>True when the file starts with SQLite's magic header (or is empty, which SQLite treats as a new database).</summary>
        public static bool LooksLikeSqlite(string path)
        {
            var magic = System.Text.Encoding.ASCII.GetBytes("SQLite format 3\0");
            using (var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            {
                if (f.Length == 0) return true;
                var head = new byte[magic.Length];
                var n = f.Read(head, 0, head.Length);
                if (n < head.Length) return false;
                for (var i = 0; i < magic.Length; i++)
                    if (head[i] != magic[i]) return false;
                return true;
            }
        }
    }
}
