#include "adapters/emulator/demo.hpp"

#include <SQLiteCpp/Transaction.h>

#include <array>
#include <cstdio>
#include <string>
#include <vector>

#include "adapters/emulator/v2_api.hpp"
#include "core/clock.hpp"

namespace hse::adapters::emulator {

namespace {

struct OfficeSeed {
  int company;  // 0: Italian, 1: German
  const char* name;
  const char* street;
  const char* postal_code;
  const char* region;
  const char* locality;
  const char* country;
  const char* icon;
};

constexpr std::array<OfficeSeed, 10> kOffices = {{
    {0, "Sede Milano", "Via Alessandro Manzoni 12", "20121", "MI", "Milano", "IT", "office_default"},
    {0, "Cantiere Torino Lingotto", "Via Nizza 280", "10126", "TO", "Torino", "IT", "construction_site"},
    {0, "Cantiere Bologna Fiera", "Viale Aldo Moro 44", "40127", "BO", "Bologna", "IT", "construction_site"},
    {0, "Magazzino Verona", "Via Sommacampagna 63", "37137", "VR", "Verona", "IT", "office_default"},
    {0, "Cantiere Roma Ostiense", "Via Ostiense 131", "00154", "RM", "Roma", "IT", "construction_site"},
    {0, "Filiale Firenze", "Via de' Tornabuoni 5", "50123", "FI", "Firenze", "IT", "office_default"},
    {1, "Hauptsitz München", "Leopoldstraße 28", "80802", "BY", "München", "DE", "office_default"},
    {1, "Baustelle Hamburg HafenCity", "Am Sandtorkai 50", "20457", "HH", "Hamburg", "DE", "construction_site"},
    {1, "Niederlassung Köln", "Hohenzollernring 72", "50672", "NW", "Köln", "DE", "office_default"},
    {1, "Baustelle Berlin Mitte", "Invalidenstraße 116", "10115", "BE", "Berlin", "DE", "construction_site"},
}};

// The office the demo historicizes: an old construction site.
constexpr int kHistoricizedOffice = 2;

struct ActionSeed {
  const char* type;
  const char* prefix;
  std::array<const char*, 4> it;
  std::array<const char*, 4> de;
};
constexpr std::array<ActionSeed, 5> kActions = {{
    {"TRAINING", "TRA",
     {"Formazione generale lavoratori", "Addetto antincendio rischio medio", "Primo soccorso gruppo B",
      "Lavori in quota e uso DPI III categoria"},
     {"Erste-Hilfe-Schulung", "Brandschutzhelfer Ausbildung", "Staplerfahrer Unterweisung", "Arbeiten in der Höhe"}},
    {"HEALTH", "HEA",
     {"Visita medica periodica", "Audiometria", "Spirometria", "Visita preassuntiva"},
     {"Arbeitsmedizinische Vorsorge G37", "Hörtest G20", "Lungenfunktionsprüfung", "Eignungsuntersuchung G41"}},
    {"MAINTENANCE", "MAN",
     {"Manutenzione estintori", "Verifica impianto elettrico", "Revisione gru a torre", "Manutenzione ponteggio"},
     {"Wartung Feuerlöscher", "Prüfung elektrischer Anlagen", "Wartung Turmdrehkran", "Wartung Hebebühne"}},
    {"CHECK", "CHK",
     {"Checklist ponteggi", "Sopralluogo di sicurezza", "Controllo cassetta primo soccorso", "Verifica DPI in uso"},
     {"Sicherheitsbegehung", "Gerüstprüfung", "Kontrolle Verbandkasten", "Prüfung Leitern und Tritte"}},
    {"PER", "PER",
     {"Scarpe antinfortunistiche S3", "Elmetto di protezione", "Imbracatura anticaduta", "Otoprotettori"},
     {"Sicherheitsschuhe S3", "Schutzhelm", "Auffanggurt", "Gehörschutz"}},
}};

constexpr std::array<const char*, 9> kCategories = {
    "NON_COMPLIANCE",     "ACCIDENTS",          "ACCIDENTS_AND_MISSED_INJURIES",
    "REPORT_MALFUNCTION", "REPORT_FAILURE",     "REQUEST_INSPECTION",
    "REQUEST_MAINTENANCE", "REQUEST_REPLACEMENT", "REQUEST_INTERVENTION"};
constexpr std::array<const char*, 9> kIncidentNames = {
    "Mancato uso dei DPI in cantiere", "Caduta da scala portatile", "Quasi infortunio: carico sospeso",
    "Malfunzionamento gru a torre",    "Guasto impianto di illuminazione", "Richiesta ispezione ponteggio",
    "Richiesta manutenzione carrello",  "Sostituzione estintore scaduto",   "Intervento su quadro elettrico"};
constexpr std::array<const char*, 3> kStatuses = {"new", "open", "closed"};
constexpr std::array<const char*, 6> kPeople = {"m.rossi", "g.bianchi", "l.ferrari", "k.mueller", "a.schmidt",
                                                "s.weber"};

// Demo dates are fixed (a quiet 2024) so the data set is the same on every day it runs.
constexpr int64_t kBaseSeconds = 1'704'067'200;  // 2024-01-01T00:00:00Z

class Gen {
 public:
  explicit Gen(uint64_t seed) : random_(seed) {}
  int below(int n) { return int(random_.next_u64() % uint64_t(n)); }
  std::string uuid() { return random_.uuid4(); }
  std::string people() {
    return "[\"" + std::string(kPeople[below(int(kPeople.size()))]) + "\"]";
  }

 private:
  SeededRandom random_;
};

std::string date_plus(int days) { return date_of((kBaseSeconds + int64_t(days) * 86400) * 1000); }

struct DemoIds {
  std::vector<std::string> projects;
  std::vector<std::string> offices;
  std::vector<int> office_company;
};

// The demo's ids are drawn first from their own stream so bulk rows never shift them.
DemoIds demo_ids(uint64_t seed) {
  Gen g(seed ^ 0xD3E0ull);
  DemoIds ids;
  for (int i = 0; i < 2; ++i) ids.projects.push_back(g.uuid());
  for (const auto& o : kOffices) {
    ids.offices.push_back(g.uuid());
    ids.office_company.push_back(o.company);
  }
  return ids;
}

json action_row(Gen& g, const DemoIds& ids, int office, int n) {
  const ActionSeed& a = kActions[size_t(n % int(kActions.size()))];
  int company = ids.office_company[size_t(office)];
  const auto& names = company == 0 ? a.it : a.de;
  int subscribed = g.below(40);
  int valid = subscribed ? g.below(subscribed + 1) : 0;
  int scheduled = subscribed - valid ? g.below(subscribed - valid + 1) : 0;
  char code[32];
  std::snprintf(code, sizeof code, "%s-%05d", a.prefix, n + 1);
  static const char* units[] = {"YEAR", "MONTH", "DAY"};
  return {{"action_id", g.uuid()},
          {"action_type", a.type},
          {"code", code},
          {"name", names[size_t(g.below(4))]},
          {"description", std::string(kOffices[size_t(office)].name) + ": " + a.type},
          {"validity_unit", units[g.below(3)]},
          {"validity", 1 + g.below(5)},
          {"expire_interval", 30},
          {"manager", g.people()},
          {"assignee", g.people()},
          {"watcher", g.people()},
          {"subscriber_type", nullptr},
          {"data", nullptr},
          {"subtenant_id", ids.offices[size_t(office)]},
          {"tenant_id", ids.projects[size_t(company)]},
          {"countSubscribed", subscribed},
          {"countValid", valid},
          {"countScheduled", scheduled},
          {"countToDo", subscribed - valid - scheduled}};
}

json incident_row(Gen& g, const DemoIds& ids, int office, int n) {
  int category = n % int(kCategories.size());
  // Status cycles on its own period so every category meets every status.
  const char* status = kStatuses[size_t((n / int(kCategories.size())) % 3)];
  int day = g.below(330);
  int company = ids.office_company[size_t(office)];
  char code[32];
  std::snprintf(code, sizeof code, "INC-2024-%05d", n + 1);
  int people = category <= 2 ? 1 + g.below(3) : 0;
  return {{"office_incident_id", g.uuid()},
          {"code", code},
          {"name", kIncidentNames[size_t(category)]},
          {"date_incident", date_plus(day)},
          {"category", kCategories[size_t(category)]},
          {"description", std::string("Segnalazione presso ") + kOffices[size_t(office)].name},
          {"actions_taken", std::string(status) == "new" ? json(nullptr) : json("Area messa in sicurezza")},
          {"reported_by", kPeople[size_t(g.below(int(kPeople.size())))]},
          {"manager", g.people()},
          {"assignee", g.people()},
          {"watcher", g.people()},
          {"notify", g.people()},
          {"data", json{{"severity", 1 + g.below(3)}}},
          {"status", status},
          {"external_reference", category == 1 ? json("INAIL-" + std::to_string(100000 + n)) : json(nullptr)},
          {"date_closed", std::string(status) == "closed" ? json(date_plus(day + 1 + g.below(20))) : json(nullptr)},
          {"created_by", kPeople[size_t(g.below(int(kPeople.size())))]},
          {"created_at", kBaseSeconds + int64_t(day) * 86400 + 3600},
          {"tenant_id", ids.projects[size_t(company)]},
          {"subtenant_id", ids.offices[size_t(office)]},
          {"people_count", people},
          {"sickness_days", people ? g.below(30) : 0}};
}

void refresh_all(V2Store& store, const DemoIds& ids) {
  for (const auto& p : ids.projects) store.refresh_activity(schema::entity("project"), p);
}

}  // namespace

void seed_demo(V2Store& store, uint64_t seed, int64_t /*now_ms*/) {
  DemoIds ids = demo_ids(seed);
  Gen g(seed);
  SQLite::Transaction tx(store.db());
  const schema::Entity& project = schema::entity("project");
  const schema::Entity& office = schema::entity("office");
  const schema::Entity& action = schema::entity("action");
  const schema::Entity& incident = schema::entity("incident");
  store.insert(project, {{"project_id", ids.projects[0]},
                         {"name", "Costruzioni Ferraro S.p.A."},
                         {"description", "Gestione sicurezza cantieri e sedi"},
                         {"country", "IT"},
                         {"status", "active"},
                         {"project_type", "safety"},
                         {"icon", "https://cdn.4hse.example/icons/ferraro.png"},
                         {"npeople", 184},
                         {"customer_id", g.uuid()},
                         {"partner_id", g.uuid()},
                         {"subscription_id", g.uuid()},
                         {"created_at", "2023-03-14"},
                         {"updated_at", "2024-02-01"}});
  store.insert(project, {{"project_id", ids.projects[1]},
                         {"name", "Hofmann Bau GmbH"},
                         {"description", "Arbeitssicherheit Baustellen Deutschland"},
                         {"country", "DE"},
                         {"status", "active"},
                         {"project_type", "safety"},
                         {"npeople", 96},
                         {"customer_id", g.uuid()},
                         {"subscription_id", g.uuid()},
                         {"created_at", "2023-09-02"},
                         {"updated_at", "2024-01-20"}});
  for (size_t i = 0; i < kOffices.size(); ++i) {
    const auto& o = kOffices[i];
    char vat[24];
    std::snprintf(vat, sizeof vat, o.company == 0 ? "IT%011d" : "DE%09d", 10000000 + g.below(89999999));
    store.insert(office, {{"office_id", ids.offices[i]},
                          {"project_id", ids.projects[size_t(o.company)]},
                          {"name", o.name},
                          {"description", nullptr},
                          {"street", o.street},
                          {"postal_code", o.postal_code},
                          {"region", o.region},
                          {"locality", o.locality},
                          {"country", o.country},
                          {"vat", vat},
                          {"code", "OFF-" + std::to_string(i + 1)},
                          {"office_type_icon", o.icon},
                          {"created_at", kBaseSeconds - 86400 * int64_t(200 - i)},
                          {"updated_at", kBaseSeconds + 86400 * int64_t(i)}});
  }
  for (int n = 0; n < 300; ++n) store.insert(action, action_row(g, ids, n % int(kOffices.size()), n));
  // 9 categories x 3 statuses, several times over, in every office.
  for (int n = 0; n < 135; ++n) store.insert(incident, incident_row(g, ids, n % int(kOffices.size()), n));
  store.set_owned_active(office, ids.offices[kHistoricizedOffice], false);
  refresh_all(store, ids);
  tx.commit();
}

void seed_bulk(V2Store& store, uint64_t seed, int n, int64_t /*now_ms*/) {
  DemoIds ids = demo_ids(seed);
  Gen g(seed ^ 0xB01Cull);
  SQLite::Transaction tx(store.db());
  const schema::Entity& action = schema::entity("action");
  const schema::Entity& incident = schema::entity("incident");
  for (int i = 0; i < n; ++i) {
    int office = i % int(kOffices.size());
    store.insert(action, action_row(g, ids, office, 300 + i));
    store.insert(incident, incident_row(g, ids, office, 135 + i));
  }
  refresh_all(store, ids);
  tx.commit();
}

}  // namespace hse::adapters::emulator
