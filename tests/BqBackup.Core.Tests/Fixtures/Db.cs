using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Threading;
using BqBackup.Sample;
using BqBackup.Storage;
using Microsoft.Data.Sqlite;

namespace BqBackup.Tests.Fixtures
{
    internal static class Db
    {
        public static SqliteConnection Open(string path, bool readOnly = false) =>
            OpenWith(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate });

        private static SqliteConnection OpenWith(SqliteConnectionStringBuilder b)
        {
            var c = new SqliteConnection(b.ToString());
            c.Open();
            return c;
        }

        public static long Scalar(string path, string sql)
        {
            using (var c = Open(path, readOnly: true)) return Scalar(c, sql);
        }

        public static long Scalar(SqliteConnection c, string sql)
        {
            using (var cmd = c.CreateCommand())
            {
                cmd.CommandText = sql;
                return Convert.ToInt64(cmd.ExecuteScalar());
            }
        }

        public static void Exec(SqliteConnection c, string sql)
        {
            using (var cmd = c.CreateCommand())
            {
                cmd.CommandText = sql;
                cmd.ExecuteNonQuery();
            }
        }

        public static string Sha256(string path)
        {
            using (var f = System.IO.File.OpenRead(path)) return Convert.ToHexString(SHA256.HashData(f)).ToLowerInvariant();
        }

        public static byte[] Gunzip(string path)
        {
            using (var f = System.IO.File.OpenRead(path))
            using (var g = new GZipStream(f, CompressionMode.Decompress))
            using (var m = new MemoryStream())
            {
                g.CopyTo(m);
                return m.ToArray();
            }
        }
    }
}
