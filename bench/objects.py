# Objects: instance creation, attribute access, method calls, inheritance, properties.


class Vec:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def add(self, other):
        return Vec(self.x + other.x, self.y + other.y)

    def dot(self, other):
        return self.x * other.x + self.y * other.y


class Particle:
    count = 0

    def __init__(self, pos, vel):
        self.pos = pos
        self.vel = vel
        Particle.count += 1

    def step(self):
        self.pos = self.pos.add(self.vel)
        return self

    @property
    def energy(self):
        return self.vel.dot(self.vel)


class Heavy(Particle):
    def step(self):
        super().step()
        self.vel = Vec(self.vel.x, self.vel.y - 1)
        return self


def run(n):
    ps = [Particle(Vec(i, -i), Vec(1, 2)) if i % 2 else Heavy(Vec(i, i), Vec(2, 1)) for i in range(100)]
    total = 0
    for _ in range(n):
        for p in ps:
            p.step()
    for p in ps:
        total += p.energy + p.pos.x - p.pos.y
    return (total + Particle.count) & 0x3FFFFFFF


print(run(8000))
