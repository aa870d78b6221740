// Drives the official InfluxDB 3 JavaScript client against a running
// strata serve: line-protocol writes over HTTP, then SQL queries (plain,
// with named parameters, as points) over Flight on the same host URL.
// Usage: node influx3.mjs <http://host:port> <token> <database>
// Prints one JSON document; the Go test checks its values.
import { InfluxDBClient, Point } from '@influxdata/influxdb3-client'

const [host, token, database] = process.argv.slice(2)
const client = new InfluxDBClient({ host, token, database, queryTimeout: 30000 })
const out = {}
try {
  await client.write(
    'home,room=Kitchen temp=21.5,hum=35.9,co=0i 1700000000\n' +
      'home,room=Living\\ Room temp=21.8,hum=36.0,co=1i 1700000000\n' +
      'home,room=Kitchen temp=22.7,hum=36.1,co=2i 1700003600',
    database, undefined, { precision: 's' })
  await client.write(Point.measurement('home').setTag('room', 'Office').setFloatField('temp', 19.5)
    .setIntegerField('co', 7).setTimestamp(new Date(1700007200000)), database)

  out.rows = []
  for await (const row of client.query('SELECT room, temp, co, time FROM home ORDER BY time, room')) {
    out.rows.push({ room: row.room, temp: row.temp, co: Number(row.co), time: new Date(row.time).toISOString() }) // apache-arrow reads timestamps as epoch milliseconds
  }
  out.params = []
  for await (const row of client.query('SELECT room, temp FROM home WHERE room = $room AND temp > $min ORDER BY time',
    database, { type: 'sql', params: { room: 'Kitchen', min: 22 } })) {
    out.params.push({ room: row.room, temp: row.temp })
  }
  out.points = []
  for await (const p of client.queryPoints('SELECT * FROM home WHERE room = $room', database, { params: { room: 'Office' } })) {
    out.points.push({ measurement: p.getMeasurement(), tags: p.getTagNames(), fields: p.getFieldNames().sort(), room: p.getTag('room'), temp: p.getFloatField('temp'), co: Number(p.getIntegerField('co')) })
  }
  try {
    for await (const _ of client.query('SELECT nope FROM home')) { /* unreachable */ }
    out.error = 'no error'
  } catch (e) {
    out.error = String(e.message || e)
  }
} finally {
  await client.close()
}
console.log(JSON.stringify(out))
