// What SQLite itself costs per CloudTrail record on this machine, for the event store's schema, with no
// JSON parsing and no Swift: the floor under `vigil ingest`'s writing thread. See BENCHMARKS.md.
//
//   python3 scripts/ingest-floor/prepare.py ct.jsonl /tmp/rows.bin
//   cc -O2 -o /tmp/floor scripts/ingest-floor/floor.c -lsqlite3 && /tmp/floor /tmp/rows.bin /tmp/floor.db
//
// Each configuration inserts the same rows into a new database with the store's settings (WAL,
// synchronous=NORMAL, 64 MiB cache, 5,000 rows per transaction, INSERT OR IGNORE on a unique key).
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { FIELDS = 9, BATCH = 5000 };
typedef struct { const char *f[FIELDS]; int len[FIELDS]; } Row;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void run(sqlite3 *db, const char *sql) {
    char *error = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &error) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", sql, error);
        exit(1);
    }
}

static const char *indexes =
    "CREATE INDEX events_order ON events(COALESCE(time, -1), id);"
    "CREATE INDEX events_actor_time ON events(actor, time);"
    "CREATE INDEX events_source_ip_time ON events(source_ip, time);"
    "CREATE INDEX events_action_time ON events(action, time);"
    "CREATE INDEX events_host_time ON events(host, time);";

// text: -1 none, 7 every string, 8 the reduced text.
static double measure(const char *path, Row *rows, int n, int withIndexes, int text) {
    char wal[4096], shm[4096];
    snprintf(wal, sizeof wal, "%s-wal", path);
    snprintf(shm, sizeof shm, "%s-shm", path);
    unlink(path); unlink(wal); unlink(shm);
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK) { fprintf(stderr, "cannot open %s\n", path); exit(1); }
    run(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY");
    run(db, "CREATE TABLE events (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, log_type TEXT NOT NULL, time INTEGER,"
            " actor TEXT, source_ip TEXT, user_agent TEXT, action TEXT, outcome TEXT, account TEXT, region TEXT, host TEXT,"
            " targets TEXT, raw TEXT NOT NULL, file TEXT, line INTEGER)");
    if (withIndexes) run(db, indexes);
    if (text >= 0) run(db, "CREATE VIRTUAL TABLE events_text USING fts5(text, content='', tokenize='unicode61')");
    sqlite3_stmt *insert, *insertText = NULL;
    sqlite3_prepare_v2(db,
        "INSERT OR IGNORE INTO events (key, log_type, time, actor, source_ip, user_agent, action, outcome, account, region,"
        " host, targets, raw, file, line) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &insert, NULL);
    if (text >= 0) sqlite3_prepare_v2(db, "INSERT INTO events_text(rowid, text) VALUES (?, ?)", -1, &insertText, NULL);
    double start = now();
    for (int b = 0; b < n; b += BATCH) {
        run(db, "BEGIN");
        for (int i = b; i < b + BATCH && i < n; i++) {
            Row *r = &rows[i];
            sqlite3_bind_text(insert, 1, r->f[0], r->len[0], SQLITE_STATIC);
            sqlite3_bind_text(insert, 2, "AWS.CloudTrail", -1, SQLITE_STATIC);
            sqlite3_bind_int64(insert, 3, 1700000000000LL + i * 1000LL);
            sqlite3_bind_text(insert, 4, r->f[1], r->len[1], SQLITE_STATIC);
            sqlite3_bind_text(insert, 5, r->f[2], r->len[2], SQLITE_STATIC);
            sqlite3_bind_text(insert, 6, r->f[3], r->len[3], SQLITE_STATIC);
            sqlite3_bind_text(insert, 7, r->f[4], r->len[4], SQLITE_STATIC);
            sqlite3_bind_text(insert, 8, "success", -1, SQLITE_STATIC);
            sqlite3_bind_text(insert, 9, r->f[5], r->len[5], SQLITE_STATIC);
            sqlite3_bind_text(insert, 10, "us-east-1", -1, SQLITE_STATIC);
            sqlite3_bind_null(insert, 11);
            sqlite3_bind_null(insert, 12);
            sqlite3_bind_text(insert, 13, r->f[6], r->len[6], SQLITE_STATIC);
            sqlite3_bind_text(insert, 14, "ct.jsonl", -1, SQLITE_STATIC);
            sqlite3_bind_int(insert, 15, i + 1);
            if (sqlite3_step(insert) != SQLITE_DONE) { fprintf(stderr, "insert: %s\n", sqlite3_errmsg(db)); exit(1); }
            sqlite3_reset(insert);
            if (insertText) {
                sqlite3_bind_int64(insertText, 1, sqlite3_last_insert_rowid(db));
                sqlite3_bind_text(insertText, 2, r->f[text], r->len[text], SQLITE_STATIC);
                if (sqlite3_step(insertText) != SQLITE_DONE) { fprintf(stderr, "text: %s\n", sqlite3_errmsg(db)); exit(1); }
                sqlite3_reset(insertText);
            }
        }
        run(db, "COMMIT");
    }
    double seconds = now() - start;
    sqlite3_finalize(insert);
    if (insertText) sqlite3_finalize(insertText);
    sqlite3_close(db);
    return seconds;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: floor ROWS.bin SCRATCH.db\n"); return 64; }
    FILE *f = fopen(argv[1], "r");
    if (!f) { fprintf(stderr, "cannot read %s\n", argv[1]); return 66; }
    int capacity = 1024, n = 0;
    Row *rows = malloc(sizeof(Row) * capacity);
    char *line = NULL;
    size_t size = 0;
    ssize_t length;
    while ((length = getline(&line, &size, f)) > 0) {
        if (line[length - 1] == '\n') line[length - 1] = 0;
        if (n == capacity) rows = realloc(rows, sizeof(Row) * (capacity *= 2));
        char *p = strdup(line);
        for (int i = 0; i < FIELDS; i++) {
            char *end = strchr(p, 1);
            if (end) *end = 0;
            rows[n].f[i] = p;
            rows[n].len[i] = (int)strlen(p);
            p = end ? end + 1 : p + strlen(p);
        }
        n++;
    }
    struct { const char *name; int indexes, text; } configurations[] = {
        {"rows + unique key", 0, -1},
        {"+ 5 secondary indexes", 1, -1},
        {"+ full-text index, every string (today's schema)", 1, 7},
        {"+ full-text index, reduced text", 1, 8},
    };
    printf("%d CloudTrail rows, %d per transaction, SQLite %s\n", n, BATCH, sqlite3_libversion());
    for (int c = 0; c < 4; c++) {
        double seconds = measure(argv[2], rows, n, configurations[c].indexes, configurations[c].text);
        printf("  %-52s %8.0f rows/s  %6.1f us/row\n", configurations[c].name, n / seconds, seconds * 1e6 / n);
    }
    return 0;
}
